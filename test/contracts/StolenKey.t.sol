// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {RegistryFixture} from "./utils/RegistryFixture.sol";
import {CredentialLeaf} from "../../contracts/libraries/CredentialLeaf.sol";
import {ICredentialRegistry} from "../../contracts/interfaces/ICredentialRegistry.sol";

/**
 * @dev A stolen operator key cannot do lasting harm, and a compromise declaration does no lasting
 * harm either (findings of the review of registry v2, each the fixed behaviour):
 * revocations made after a declaration stand; finality is fixed when a revocation is made, so a
 * later change of the delay neither revives a voided revocation nor undoes a final one; a root
 * squatted by a compromised key can be anchored again by a current key, and a re-anchoring never
 * undoes a final revocation.
 */
contract StolenKeyTest is RegistryFixture {
    uint256 internal constant OPERATOR_A2_KEY = 0xA2A2;

    /// Revocations made by the remaining keys after a declaration are not voided by it.
    function testFuzz_revocationsAfterADeclarationStand(uint256 later) public {
        later = bound(later, 1, 300 days);
        address a2 = _addOperator(ISSUER_A, OPERATOR_A2_KEY);
        (bytes32 root, CredentialLeaf.Fields memory f0, , bytes32[] memory p0, ) = _pairBatch(6, 11);
        vm.prank(a2);
        registry.anchorBatch(root, 2, bytes32(0));
        vm.warp(START + 1 days);
        vm.prank(ISSUER_A);
        registry.declareOperatorCompromised(OPERATOR_A, uint40(START + 12 hours));
        vm.warp(block.timestamp + later);
        (uint256[] memory words, uint256[] memory masks) = _one(0);
        vm.prank(a2);
        registry.revokeCredentials(root, words, masks, 9);
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.RevocationPending, "pending");
        vm.warp(block.timestamp + registry.revocationDelayOf(ISSUER_A));
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Revoked, "then final");
        vm.prank(a2);
        registry.revokeBatch(root, 9);
        assertTrue(registry.batchOf(ISSUER_A, root).status == ICredentialRegistry.BatchStatus.RevocationPending, "batch too");
    }

    /// A voided revocation stays void when the issuer later shortens its delay.
    function test_shorterDelayDoesNotReviveAVoidedRevocation() public {
        (bytes32 root, CredentialLeaf.Fields memory f0, , bytes32[] memory p0, ) = _pairBatch(6, 12);
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 2, bytes32(0));
        uint256 t = START + 1 days;
        vm.warp(t);
        (uint256[] memory words, uint256[] memory masks) = _one(0);
        vm.startPrank(OPERATOR_A); // the thief
        registry.revokeCredentials(root, words, masks, 9);
        registry.revokeBatch(root, 9);
        vm.stopPrank();
        vm.warp(t + 2 hours);
        vm.startPrank(ISSUER_A);
        registry.declareOperatorCompromised(OPERATOR_A, uint40(t - 1));
        registry.setRevocationDelay(1 hours);
        vm.stopPrank();
        vm.warp(t + 30 days);
        assertTrue(registry.batchOf(ISSUER_A, root).status == ICredentialRegistry.BatchStatus.Active, "batch revocation stays void");
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Valid, "credential revocation stays void");
    }

    /// A final revocation stays final when the issuer later lengthens its delay; it cannot be cancelled.
    function test_longerDelayDoesNotUndoAFinalRevocation() public {
        vm.prank(ISSUER_A);
        registry.setRevocationDelay(1 hours);
        (bytes32 root, CredentialLeaf.Fields memory f0, , bytes32[] memory p0, ) = _pairBatch(6, 13);
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 2, bytes32(0));
        (uint256[] memory words, uint256[] memory masks) = _one(0);
        vm.prank(OPERATOR_A);
        registry.revokeCredentials(root, words, masks, 9);
        vm.warp(block.timestamp + 2 hours);
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Revoked, "final");
        vm.prank(ISSUER_A);
        registry.setRevocationDelay(365 days);
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Revoked, "still final");
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.RevocationIsFinal.selector, root, 0));
        vm.prank(ISSUER_A);
        registry.cancelRevocations(root, words, masks);
    }

    /// A thief front-runs the issuer's anchoring of its own root with junk (a wrong leaf count) and
    /// revokes and suspends in it: once the key is declared compromised, a current key anchors the
    /// root again; the thief's revocation is void and the issuer lifts its suspension.
    function test_aSquattedRootCanBeAnchoredAgainAfterTheDeclaration() public {
        address a2 = _addOperator(ISSUER_A, OPERATOR_A2_KEY);
        (bytes32 root, CredentialLeaf.Fields memory f0, CredentialLeaf.Fields memory f1, bytes32[] memory p0, bytes32[] memory p1) = _pairBatch(6, 15);
        vm.warp(START + 1 days);
        vm.startPrank(OPERATOR_A); // the thief, seeing a2's transaction in the mempool
        registry.anchorBatch(root, 1, bytes32(0));
        (uint256[] memory words, uint256[] memory masks) = _one(0);
        registry.suspendCredentials(root, words, masks);
        registry.revokeCredentials(root, words, masks, 9);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.BatchAlreadyAnchored.selector, ISSUER_A, root));
        vm.prank(a2);
        registry.anchorBatch(root, 2, bytes32(0));

        vm.prank(ISSUER_A);
        registry.declareOperatorCompromised(OPERATOR_A, uint40(START + 1 days));
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.AnchoringKeyCompromised, "dead until re-anchored");
        vm.warp(block.timestamp + 1);
        vm.prank(a2);
        registry.anchorBatch(root, 2, keccak256("manifest"));
        ICredentialRegistry.Batch memory b = registry.batchOf(ISSUER_A, root);
        assertEq(b.anchoringKey, a2, "anchored by the current key");
        assertEq(b.leafCount, 2, "the right leaf count");
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Suspended, "the thief's revocation is void");
        vm.prank(ISSUER_A);
        registry.reinstateCredentials(root, words, masks);
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Valid, "the issuer lifts the suspension");
        assertTrue(_state(ISSUER_A, root, f1, p1) == ICredentialRegistry.CredentialState.Valid, "index 1 in range");
        // A batch anchored by a key that is not compromised can never be anchored again.
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.BatchAlreadyAnchored.selector, ISSUER_A, root));
        vm.prank(a2);
        registry.anchorBatch(root, 2, bytes32(0));
    }

    /// A backdated declaration against an honest anchoring key, followed by a re-anchoring, never
    /// undoes a final revocation (of a credential, or of the whole batch): final stays final.
    function test_reanchoringNeverUndoesAFinalRevocation() public {
        address a2 = _addOperator(ISSUER_A, OPERATOR_A2_KEY);
        (bytes32 root, CredentialLeaf.Fields memory f0, CredentialLeaf.Fields memory f1, bytes32[] memory p0, bytes32[] memory p1) = _pairBatch(6, 21);
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 2, bytes32(0));
        uint256 anchoredAt = block.timestamp;
        (uint256[] memory words, uint256[] memory masks) = _one(0);
        vm.prank(ISSUER_A);
        registry.revokeCredentials(root, words, masks, 3); // final
        vm.warp(block.timestamp + 10);
        vm.prank(ISSUER_A);
        registry.declareOperatorCompromised(OPERATOR_A, uint40(anchoredAt)); // backdated to the anchoring
        vm.prank(a2);
        registry.anchorBatch(root, 2, bytes32(0));
        assertTrue(_state(ISSUER_A, root, f0, p0) == ICredentialRegistry.CredentialState.Revoked, "still revoked");
        assertTrue(_state(ISSUER_A, root, f1, p1) == ICredentialRegistry.CredentialState.Valid, "neighbour valid");

        (bytes32 other, , , , ) = _pairBatch(6, 22);
        vm.prank(a2);
        registry.anchorBatch(other, 2, bytes32(0));
        vm.prank(ISSUER_A);
        registry.revokeBatch(other, 9); // final
        vm.warp(block.timestamp + 10);
        vm.prank(ISSUER_A);
        registry.declareOperatorCompromised(a2, uint40(block.timestamp - 20));
        address a3 = _addOperator(ISSUER_A, 0xA3A3);
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.BatchIsRevoked.selector, ISSUER_A, other));
        vm.prank(a3);
        registry.anchorBatch(other, 2, bytes32(0));
    }
}
