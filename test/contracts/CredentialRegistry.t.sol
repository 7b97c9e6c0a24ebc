// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {RegistryFixture} from "./utils/RegistryFixture.sol";
import {CredentialLeaf} from "../../contracts/libraries/CredentialLeaf.sol";
import {IAccreditationRegistry} from "../../contracts/interfaces/IAccreditationRegistry.sol";
import {ICredentialRegistry} from "../../contracts/interfaces/ICredentialRegistry.sol";

/// @dev Fuzz tests of the registry: batches belong to their issuer, operator keys cannot do
/// irreversible harm, status bits never leak, and the safe on-chain check.
contract CredentialRegistryFuzzTest is RegistryFixture {
    function _isOperator(address who) internal view returns (bool) {
        return who == OPERATOR_A || who == OPERATOR_B;
    }

    /// Only a current operator key can anchor; anyone else gets NotOperator(caller).
    function testFuzz_onlyOperatorsAnchor(address caller, bytes32 root, uint32 leafCount) public {
        vm.assume(!_isOperator(caller) && root != bytes32(0) && leafCount != 0);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotOperator.selector, caller));
        vm.prank(caller);
        registry.anchorBatch(root, leafCount, bytes32(0));
    }

    /// No front-running: another issuer anchoring the same root first neither blocks the rightful
    /// issuer nor touches its batch; each issuer's batch is its own, and never overwritten.
    function testFuzz_sameRootBelongsToEachIssuer(bytes32 root, uint32 countA, uint32 countB, bool bFirst) public {
        vm.assume(root != bytes32(0) && countA != 0 && countB != 0);
        if (bFirst) {
            vm.prank(OPERATOR_B);
            registry.anchorBatch(root, countB, keccak256("copied"));
        }
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, countA, keccak256("m1"));
        if (!bFirst) {
            vm.prank(OPERATOR_B);
            registry.anchorBatch(root, countB, keccak256("copied"));
        }
        ICredentialRegistry.Batch memory a = registry.batchOf(ISSUER_A, root);
        assertEq(a.anchoringKey, OPERATOR_A, "A's batch anchored by A's key");
        assertEq(a.leafCount, countA, "A's leaf count");
        // B revoking its copy does nothing to A's batch.
        vm.prank(OPERATOR_B);
        registry.revokeBatch(root, 1);
        vm.prank(ISSUER_B);
        registry.revokeBatch(root, 1);
        assertTrue(registry.batchOf(ISSUER_A, root).status == ICredentialRegistry.BatchStatus.Active, "A unaffected");
        assertTrue(registry.batchOf(ISSUER_B, root).status == ICredentialRegistry.BatchStatus.Revoked, "B's copy revoked");
        // And the same issuer can never re-anchor (overwrite) it.
        vm.warp(START + 1 days);
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.BatchAlreadyAnchored.selector, ISSUER_A, root));
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, countA, keccak256("m2"));
    }

    /// Only the issuer's account or its current operator keys change a batch's status; another
    /// issuer's key finds no such batch of its own.
    function testFuzz_onlyIssuerOrItsOperatorsRevoke(address caller, uint256 index) public {
        vm.assume(caller != OPERATOR_A && caller != ISSUER_A && caller != ACCREDITOR && caller != ISSUER_B);
        bytes32 root = keccak256("batch");
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 1000, bytes32(0));
        (uint256[] memory words, uint256[] memory masks) = _one(bound(index, 0, 999));
        if (caller == OPERATOR_B) {
            vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.UnknownBatch.selector, ISSUER_B, root));
        } else {
            vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotIssuerOrOperator.selector, caller));
        }
        vm.prank(caller);
        registry.revokeCredentials(root, words, masks, 1);
    }

    /// An operator key's revocation stops the credential verifying at once, but the issuer's own
    /// account can cancel it until the delay has passed; after that it is final.
    function testFuzz_operatorRevocationIsPendingAndCancellable(uint256 wait, bool cancel) public {
        (bytes32 root, CredentialLeaf.Fields memory f0, CredentialLeaf.Fields memory f1, bytes32[] memory p0, bytes32[] memory p1) = _pairBatch(6, 1);
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 2, bytes32(0));
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Valid, "valid before");
        (uint256[] memory words, uint256[] memory masks) = _one(0);
        vm.prank(OPERATOR_A);
        registry.revokeCredentials(root, words, masks, 2);
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.RevocationPending, "stopped at once");
        assertTrue(_state(ISSUER_A, root, f1, p1) == ICredentialRegistry.CredentialState.Valid, "neighbour untouched");

        uint256 delay = registry.revocationDelayOf(ISSUER_A);
        wait = bound(wait, 0, 2 * delay);
        vm.warp(block.timestamp + wait);
        bool isFinal = wait >= delay;
        if (!cancel) {
            ICredentialRegistry.CredentialState expected = isFinal
                ? ICredentialRegistry.CredentialState.Revoked
                : ICredentialRegistry.CredentialState.RevocationPending;
            assertTrue(_state(ISSUER_A, root, f0, p0) == expected, "pending until the delay, then final");
            return;
        }
        if (isFinal) vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.RevocationIsFinal.selector, root, 0));
        vm.prank(ISSUER_A);
        registry.cancelRevocations(root, words, masks);
        if (!isFinal) assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Valid, "cancelled");
    }

    /// An operator key can never cancel a revocation, not even its own.
    function test_operatorCannotCancel() public {
        bytes32 root = keccak256("x");
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 10, bytes32(0));
        (uint256[] memory words, uint256[] memory masks) = _one(3);
        vm.prank(OPERATOR_A);
        registry.revokeCredentials(root, words, masks, 1);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.OnlyIssuerAccount.selector, OPERATOR_A));
        vm.prank(OPERATOR_A);
        registry.cancelRevocations(root, words, masks);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.OnlyIssuerAccount.selector, OPERATOR_A));
        vm.prank(OPERATOR_A);
        registry.cancelBatchRevocation(root);
    }

    /// The issuer's account revokes finally, at once; a final revocation cannot be cancelled.
    function test_issuerRevocationIsFinal() public {
        (bytes32 root, CredentialLeaf.Fields memory f0, , bytes32[] memory p0, ) = _pairBatch(6, 2);
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 2, bytes32(0));
        (uint256[] memory words, uint256[] memory masks) = _one(0);
        vm.prank(ISSUER_A);
        registry.revokeCredentials(root, words, masks, 3);
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Revoked, "final");
        vm.prank(ISSUER_A);
        registry.cancelRevocations(root, words, masks); // no pending bits: nothing to cancel
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Revoked, "still revoked");
    }

    /// A whole-batch revocation by an operator key is pending and cancellable; by the issuer, final.
    function testFuzz_batchRevocation(bool byIssuer, bool cancelIt) public {
        (bytes32 root, CredentialLeaf.Fields memory f0, , bytes32[] memory p0, ) = _pairBatch(6, 3);
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 2, bytes32(0));
        vm.prank(byIssuer ? ISSUER_A : OPERATOR_A);
        registry.revokeBatch(root, 4);
        ICredentialRegistry.Batch memory b = registry.batchOf(ISSUER_A, root);
        assertEq(b.revokedBy, byIssuer ? ISSUER_A : OPERATOR_A, "who revoked");
        assertEq(b.revocationReason, 4, "reason");
        if (byIssuer) {
            assertTrue(b.status == ICredentialRegistry.BatchStatus.Revoked, "final");
            assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.BatchRevoked, "batch revoked");
        } else {
            assertTrue(b.status == ICredentialRegistry.BatchStatus.RevocationPending, "pending");
            assertEq(b.revocationFinalAt, b.revokedAt + registry.revocationDelayOf(ISSUER_A), "final at");
            assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.BatchRevocationPending, "stopped");
        }
        if (!cancelIt) return;
        if (byIssuer) vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.BatchIsRevoked.selector, ISSUER_A, root));
        vm.prank(ISSUER_A);
        registry.cancelBatchRevocation(root);
        if (!byIssuer) assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Valid, "restored");
    }

    /// Declaring a key compromised since T voids its not-yet-final revocations from T on and fails
    /// every batch it anchored from T on; what it did before T stands.
    function testFuzz_compromisedKeyIsAnnulled(uint256 anchorAfter, uint256 since) public {
        uint256 delay = registry.revocationDelayOf(ISSUER_A);
        anchorAfter = bound(anchorAfter, 1, delay / 2);
        (bytes32 early, CredentialLeaf.Fields memory e0, , bytes32[] memory ep0, ) = _pairBatch(6, 4);
        (bytes32 late, CredentialLeaf.Fields memory l0, , bytes32[] memory lp0, ) = _pairBatch(6, 5);
        vm.prank(OPERATOR_A);
        registry.anchorBatch(early, 2, bytes32(0));
        uint256 t0 = block.timestamp;
        vm.warp(t0 + anchorAfter);
        vm.startPrank(OPERATOR_A);
        registry.anchorBatch(late, 2, bytes32(0));
        (uint256[] memory words, uint256[] memory masks) = _one(0);
        registry.revokeCredentials(early, words, masks, 9); // the thief's revocation
        vm.stopPrank();
        since = bound(since, t0 + 1, t0 + anchorAfter);
        vm.prank(ISSUER_A);
        registry.declareOperatorCompromised(OPERATOR_A, uint40(since));

        assertTrue(_state(ISSUER_A, early, e0, ep0) == ICredentialRegistry.CredentialState.Valid, "revocation voided");
        assertTrue(_state(ISSUER_A, late, l0, lp0) == ICredentialRegistry.CredentialState.AnchoringKeyCompromised, "late anchor void");
        assertTrue(registry.batchOf(ISSUER_A, late).anchoringKeyCompromised, "reported");
        assertFalse(registry.batchOf(ISSUER_A, early).anchoringKeyCompromised, "early anchor stands");
        vm.warp(block.timestamp + 2 * delay);
        assertTrue(_state(ISSUER_A, early, e0, ep0) == ICredentialRegistry.CredentialState.Valid, "never matures");
        // The key is gone.
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotOperator.selector, OPERATOR_A));
        vm.prank(OPERATOR_A);
        registry.anchorBatch(keccak256("more"), 1, bytes32(0));
    }

    /// Two operator keys revoke in the same word of 256 credentials, in either order; the issuer then
    /// declares one of them compromised since before both: the thief's revocation never survives
    /// (every revocation left pending since then is void, whichever key made it: attribution is per
    /// word), and the legitimate one is re-sent by the issuer's account, final.
    function testFuzz_compromiseVoidsPendingWhateverKeyRevokedLast(bool thiefFirst, uint8 a, uint8 b) public {
        vm.assume(a != b);
        address thief = OPERATOR_A;
        address registrar = _addOperator(ISSUER_A, 0xA2A2);
        bytes32 root = keccak256("mixed");
        vm.prank(registrar);
        registry.anchorBatch(root, 256, bytes32(0));
        uint256 since = block.timestamp;
        vm.warp(block.timestamp + 1);
        (uint256[] memory wa, uint256[] memory ma) = _one(a);
        (uint256[] memory wb, uint256[] memory mb) = _one(b);
        vm.prank(thiefFirst ? thief : registrar);
        registry.revokeCredentials(root, thiefFirst ? wa : wb, thiefFirst ? ma : mb, 1);
        vm.prank(thiefFirst ? registrar : thief);
        registry.revokeCredentials(root, thiefFirst ? wb : wa, thiefFirst ? mb : ma, 1);
        vm.prank(ISSUER_A);
        registry.declareOperatorCompromised(thief, uint40(since));

        uint256[] memory words = new uint256[](1);
        ICredentialRegistry.StatusWord memory w = registry.statusWords(ISSUER_A, root, words)[0];
        assertEq(w.pending | w.revoked, 0, "nothing left pending or revoked");
        vm.warp(block.timestamp + 2 * registry.revocationDelayOf(ISSUER_A));
        w = registry.statusWords(ISSUER_A, root, words)[0];
        assertEq(w.revoked, 0, "the thief's revocation never becomes final");
        vm.prank(ISSUER_A);
        registry.revokeCredentials(root, wb, mb, 1); // the registrar's, re-sent by the issuer
        w = registry.statusWords(ISSUER_A, root, words)[0];
        assertEq(w.revoked, mb[0], "exactly the legitimate revocation, final");
    }

    /// Revoking index i of batch X sets exactly that credential's status: no other index, no other batch.
    function testFuzz_statusBitsDoNotLeak(uint256 leafCount, uint256 i, uint256 j, bytes32 rootX, bytes32 rootY) public {
        vm.assume(rootX != bytes32(0) && rootY != bytes32(0) && rootX != rootY);
        leafCount = bound(leafCount, 1, 1 << 20);
        i = bound(i, 0, leafCount - 1);
        j = bound(j, 0, leafCount - 1);
        vm.startPrank(OPERATOR_A);
        registry.anchorBatch(rootX, uint32(leafCount), bytes32(0));
        registry.anchorBatch(rootY, uint32(leafCount), bytes32(0));
        (uint256[] memory words, uint256[] memory masks) = _one(i);
        registry.revokeCredentials(rootX, words, masks, 3);
        registry.suspendCredentials(rootY, words, masks);
        vm.stopPrank();

        uint256[] memory wi = new uint256[](2);
        wi[0] = i >> 8;
        wi[1] = j >> 8;
        ICredentialRegistry.StatusWord[] memory x = registry.statusWords(ISSUER_A, rootX, wi);
        ICredentialRegistry.StatusWord[] memory y = registry.statusWords(ISSUER_A, rootY, wi);
        uint256 bi = uint256(1) << (i & 0xff);
        uint256 bj = uint256(1) << (j & 0xff);
        assertEq(x[0].pending, bi, "exactly i pending in X");
        assertEq(x[0].revoked | x[0].suspended, 0, "nothing else in X");
        assertEq(y[0].suspended, bi, "exactly i suspended in Y");
        assertEq(y[0].revoked | y[0].pending, 0, "no revocation leaks to Y");
        if (j != i) {
            assertTrue(x[1].pending & bj == 0 && y[1].suspended & bj == 0, "no leak to index j");
        }
    }

    /// Indices at or beyond the leaf count are rejected (the highest bit of a mask counts).
    function testFuzz_indexOutOfRange(uint32 leafCount, uint256 index) public {
        leafCount = uint32(bound(leafCount, 1, type(uint32).max - 1));
        index = bound(index, leafCount, uint256(type(uint32).max) + 1000);
        bytes32 root = keccak256("range");
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, leafCount, bytes32(0));
        (uint256[] memory words, uint256[] memory masks) = _one(index);
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.IndexOutOfRange.selector, root, index, leafCount));
        vm.prank(OPERATOR_A);
        registry.revokeCredentials(root, words, masks, 1);
    }

    /// A word beyond any batch, however large, is a named IndexOutOfRange, never an arithmetic panic.
    function testFuzz_hugeWordIsOutOfRange(uint256 word) public {
        word = bound(word, uint256(type(uint32).max) + 1, type(uint256).max);
        bytes32 root = keccak256("huge");
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 10, bytes32(0));
        uint256[] memory words = new uint256[](1);
        uint256[] memory masks = new uint256[](1);
        words[0] = word;
        masks[0] = 1;
        uint256 first = word < type(uint248).max ? word << 8 : type(uint256).max;
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.IndexOutOfRange.selector, root, first, uint32(10)));
        vm.prank(OPERATOR_A);
        registry.suspendCredentials(root, words, masks);
    }

    /// Suspension is reversible and reinstatement clears exactly the reinstated credential.
    function testFuzz_suspendThenReinstate(uint256 index) public {
        bytes32 root = keccak256("suspend");
        index = bound(index, 1, 4095);
        vm.startPrank(OPERATOR_A);
        registry.anchorBatch(root, 4096, bytes32(0));
        uint256[] memory words = new uint256[](2);
        uint256[] memory masks = new uint256[](2);
        (words[0], masks[0]) = (index >> 8, uint256(1) << (index & 0xff));
        (words[1], masks[1]) = ((index - 1) >> 8, uint256(1) << ((index - 1) & 0xff));
        registry.suspendCredentials(root, words, masks);
        (uint256[] memory w1, uint256[] memory m1) = _one(index);
        registry.reinstateCredentials(root, w1, m1);
        vm.stopPrank();
        ICredentialRegistry.StatusWord[] memory s = registry.statusWords(ISSUER_A, root, words);
        assertTrue(s[0].suspended & masks[0] == 0, "reinstated");
        assertTrue(s[1].suspended & masks[1] != 0, "neighbour still suspended");
    }

    /// The safe check recomputes the leaf: a changed public field, a wrong proof, another issuer's
    /// name or an EQF level above the accreditation never pass.
    function testFuzz_checkCredentialRecomputesTheLeaf(uint256 field, uint256 value) public {
        (bytes32 root, CredentialLeaf.Fields memory f0, , bytes32[] memory p0, ) = _pairBatch(ISSUER_B, 6, 6);
        vm.prank(OPERATOR_B); // issuer B: EQF ≤ 6
        registry.anchorBatch(root, 2, bytes32(0));
        assertTrue(_state(ISSUER_B, root, f0, p0) == ICredentialRegistry.CredentialState.Valid, "genuine");
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.NotAnchored, "not A's batch");
        field = bound(field, 0, 6);
        CredentialLeaf.Fields memory t = f0;
        if (field == 0) t.index = bound(value, 1, type(uint256).max);
        if (field == 1) t.achievementId = keccak256(abi.encode(value));
        if (field == 2) t.creditsCenti = uint32(bound(value, 501, type(uint32).max));
        if (field == 3) t.eqfLevel = uint8(bound(value, 1, 5));
        if (field == 4) t.awardedAt = uint40(bound(value, START + 1, type(uint40).max));
        if (field == 5) t.holder = address(uint160(bound(value, 1, type(uint160).max)));
        if (field == 6) t.credentialDigest = keccak256(abi.encode(value, "other"));
        vm.assume(keccak256(abi.encode(t)) != keccak256(abi.encode(_fields(0, 6, 6))));
        ICredentialRegistry.CredentialState s = _state(ISSUER_B, root, t, p0);
        assertTrue(s == ICredentialRegistry.CredentialState.InvalidProof, "tampered leaf fails its proof");
    }

    /// A batch whose EQF level exceeds what the issuer was accredited for fails the safe check.
    function test_checkCredentialEqfAboveAccreditation() public {
        (bytes32 root, CredentialLeaf.Fields memory f0, , bytes32[] memory p0, ) = _pairBatch(ISSUER_B, 7, 7);
        vm.prank(OPERATOR_B); // issuer B: EQF ≤ 6
        registry.anchorBatch(root, 2, bytes32(0));
        assertTrue(_state(ISSUER_B, root, f0, p0) == ICredentialRegistry.CredentialState.EqfAboveAccreditation, "EQF");
    }

    /// Withdrawal with effect before the anchoring makes the safe check fail; after it, not.
    function testFuzz_checkCredentialAccreditationAtAnchoring(bool before) public {
        (bytes32 root, CredentialLeaf.Fields memory f0, , bytes32[] memory p0, ) = _pairBatch(6, 8);
        vm.warp(START + 10 days);
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 2, bytes32(0));
        vm.warp(START + 20 days);
        vm.prank(ACCREDITOR);
        registry.withdraw(ISSUER_A, uint48(before ? START + 5 days : START + 15 days));
        ICredentialRegistry.CredentialState expected = before
            ? ICredentialRegistry.CredentialState.IssuerNotAccredited
            : ICredentialRegistry.CredentialState.Valid;
        assertTrue(_state(ISSUER_A, root, f0, p0) == expected, "accreditation at anchoring time");
    }

    /// The leaf binds its issuer: another issuer that anchors a copy of a root (front-running, or a
    /// copy made to dodge the original's revocations) never verifies the original's credentials
    /// under its own name, and the original's revocations hold.
    function testFuzz_copiedRootVerifiesNothing(uint256 seed, bool revokeOriginal) public {
        (bytes32 root, CredentialLeaf.Fields memory f0, , bytes32[] memory p0, ) = _pairBatch(6, seed);
        vm.prank(OPERATOR_B);
        registry.anchorBatch(root, 2, bytes32(0)); // the copier first
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 2, bytes32(0));
        if (revokeOriginal) {
            (uint256[] memory words, uint256[] memory masks) = _one(0);
            vm.prank(ISSUER_A);
            registry.revokeCredentials(root, words, masks, 1);
        }
        ICredentialRegistry.CredentialState original = revokeOriginal
            ? ICredentialRegistry.CredentialState.Revoked
            : ICredentialRegistry.CredentialState.Valid;
        assertTrue(_state(ISSUER_A, root, f0, p0) == original, "the original's state");
        assertTrue(_state(ISSUER_B, root, f0, p0) == ICredentialRegistry.CredentialState.InvalidProof, "copy: no leaf of A");
        assertTrue(registry.leafOf(ISSUER_A, f0) != registry.leafOf(ISSUER_B, f0), "leaves differ by issuer");
    }
}
