// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {StackingFixture} from "./utils/StackingFixture.sol";
import {Component} from "./utils/ComponentPacker.sol";
import {IStackingRegistry} from "../../contracts/interfaces/IStackingRegistry.sol";
import {ICredentialRegistry} from "../../contracts/interfaces/ICredentialRegistry.sol";
import {PackedCredentials} from "../../contracts/libraries/PackedCredentials.sol";

/// @dev Claims of a two-institution pathway: what succeeds, and each way a claim fails with its own error.
contract StackingTest is StackingFixture {
    function setUp() public override {
        super.setUp();
        _register(PATHWAY, _rules(false), _lists());
    }

    function _expectState(uint256 i, ICredentialRegistry.CredentialState s) internal {
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.ComponentInvalid.selector, i, s));
    }

    /// A holder claims with components of two issuers: the award is recorded with the leaves' hash.
    function test_claimAcrossTwoIssuers() public {
        Component[] memory cs = _genuinePair();
        _claim(cs);
        assertEq(stacking.awardOf(ISSUER_A, PATHWAY, HOLDER), keccak256(abi.encodePacked(_leavesOf(cs, HOLDER))), "award");
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.AlreadyAwarded.selector, ISSUER_A, PATHWAY, HOLDER));
        _claim(cs);
    }

    /// Anyone may submit with the holder's signature; a wrong signer, swapped components or a passed
    /// deadline fail.
    function test_relayedClaim() public {
        Component[] memory cs = _genuinePair();
        IStackingRegistry.PathwayLists memory lists = _lists();
        IStackingRegistry.Claim memory c = _claimOf(HOLDER);
        bytes memory packed = _pack(cs, lists);
        bytes32[] memory leaves = _leavesOf(cs, HOLDER);

        bytes memory byOther = _sign(OTHER_KEY, c, leaves);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.InvalidHolderSignature.selector, HOLDER));
        stacking.claim(c, _claimLists(lists), packed, byOther);

        bytes32[] memory swapped = new bytes32[](2);
        (swapped[0], swapped[1]) = (leaves[1], leaves[0]);
        bytes memory overSwapped = _sign(HOLDER_KEY, c, swapped);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.InvalidHolderSignature.selector, HOLDER));
        stacking.claim(c, _claimLists(lists), packed, overSwapped);

        bytes memory signature = _sign(HOLDER_KEY, c, leaves);
        vm.warp(c.deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.ClaimExpired.selector, c.deadline));
        stacking.claim(c, _claimLists(lists), packed, signature);

        vm.warp(c.deadline);
        stacking.claim(c, _claimLists(lists), packed, signature);
        assertTrue(stacking.awardOf(ISSUER_A, PATHWAY, HOLDER) != bytes32(0), "awarded by relay");
    }

    /// A wrong proof, a changed public field or a component of another holder never pass.
    function testFuzz_wrongProofOrFieldNeverClaims(uint256 what, uint256 value) public {
        Component[] memory cs = _genuinePair();
        what = bound(what, 0, 5);
        if (what == 0) cs[1].proof[0] = keccak256(abi.encode(value));
        if (what == 1) cs[1].fields.creditsCenti = uint32(bound(value, 601, type(uint32).max));
        if (what == 2) cs[1].fields.awardedAt = uint40(bound(value, 0, START - 1));
        if (what == 3) cs[1].fields.credentialDigest = keccak256(abi.encode("forged", value));
        if (what == 4) cs[1].fields.index = 1 - cs[1].fields.index;
        if (what == 5) cs[1] = _issue(ISSUER_B, OTHER, ACH_GDPR, 600, 6, START); // another holder's
        _expectState(1, ICredentialRegistry.CredentialState.InvalidProof);
        _claim(cs);
    }

    /// A revoked (final or pending), suspended or batch-revoked component is refused with its state.
    function testFuzz_revokedOrSuspendedComponent(uint256 which, uint256 how) public {
        Component[] memory cs = _genuinePair();
        which = bound(which, 0, 1);
        how = bound(how, 0, 3);
        Component memory c = cs[which];
        address operator = c.issuer == ISSUER_A ? OPERATOR_A : OPERATOR_B;
        (uint256[] memory words, uint256[] memory masks) = _one(c.fields.index);
        ICredentialRegistry.CredentialState expected;
        if (how == 0) {
            vm.prank(c.issuer);
            registry.revokeCredentials(c.root, words, masks, 1);
            expected = ICredentialRegistry.CredentialState.Revoked;
        } else if (how == 1) {
            vm.prank(operator);
            registry.revokeCredentials(c.root, words, masks, 1);
            expected = ICredentialRegistry.CredentialState.RevocationPending;
        } else if (how == 2) {
            vm.prank(operator);
            registry.suspendCredentials(c.root, words, masks);
            expected = ICredentialRegistry.CredentialState.Suspended;
        } else {
            vm.prank(c.issuer);
            registry.revokeBatch(c.root, 1);
            expected = ICredentialRegistry.CredentialState.BatchRevoked;
        }
        _expectState(which, expected);
        _claim(cs);
    }

    /// An unanchored batch and an issuer whose accreditation was withdrawn before anchoring fail.
    function test_unanchoredAndUnaccredited() public {
        Component[] memory cs = _genuinePair();
        cs[0].root = keccak256("never anchored");
        _expectState(0, ICredentialRegistry.CredentialState.NotAnchored);
        _claim(cs);
        cs = _genuinePair();
        vm.prank(ACCREDITOR);
        registry.withdraw(ISSUER_B, uint48(START + 1));
        _expectState(1, ICredentialRegistry.CredentialState.IssuerNotAccredited);
        _claim(cs);
    }

    /// The same component twice, or a second credential of a counted achievement, counts once: refused.
    function test_repeatedComponent() public {
        Component[] memory pair = _genuinePair();
        Component[] memory cs = new Component[](3);
        (cs[0], cs[1], cs[2]) = (pair[0], pair[1], pair[1]);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.AchievementRepeated.selector, 2));
        _claim(cs);
        cs[2] = _issue(ISSUER_B, HOLDER, ACH_GDPR, 600, 6, START); // a retake of the same module
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.AchievementRepeated.selector, 2));
        _claim(cs);
    }

    /// An unlisted achievement cannot pass for a listed one's table entry, nor be listed twice.
    function test_achievementTableMustBeCanonical() public {
        Component[] memory cs = _genuinePair();
        IStackingRegistry.PathwayLists memory lists = _lists();
        bytes memory packed = _pack(cs, lists);
        // Table: [SEC, GDPR]; claim it as [SEC, GDPR, SEC]: the extra entry is listed.
        bytes memory forged = abi.encodePacked(_slice(packed, 0, 41), uint8(3), ACH_SEC, ACH_GDPR, ACH_SEC, _slice(packed, 106, packed.length));
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.AchievementTableMismatch.selector, 2));
        vm.prank(HOLDER);
        stacking.claim(_claimOf(HOLDER), _claimLists(lists), forged, "");
    }

    /// A duplicated issuer in the table would count one institution twice: refused.
    function test_issuerTableMustAscend() public {
        Component[] memory cs = _genuinePair();
        IStackingRegistry.PathwayLists memory lists = _lists();
        bytes memory packed = _pack(cs, lists);
        bytes memory forged = abi.encodePacked(uint8(3), _slice(packed, 1, 41), _slice(packed, 21, 41), _slice(packed, 41, packed.length));
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.IssuerTableNotAscending.selector, 2));
        vm.prank(HOLDER);
        stacking.claim(_claimOf(HOLDER), _claimLists(lists), forged, "");
    }

    /// Too few credits, a level too low, outside the window, a required module missing.
    function test_rulesUnmet() public {
        Component[] memory cs = new Component[](2);
        cs[0] = _issue(ISSUER_A, HOLDER, ACH_SEC, 400, 6, START);
        cs[1] = _issue(ISSUER_B, HOLDER, ACH_GDPR, 500, 6, START);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.TooFewCredits.selector, 900, 1000));
        _claim(cs);

        cs[1] = _issue(ISSUER_B, HOLDER, ACH_GDPR, 600, 5, START);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.LevelTooLow.selector, 1, 5, 6));
        _claim(cs);

        cs[0] = _issue(ISSUER_A, HOLDER, ACH_SEC, 500, 6, START + 2 days);
        cs[1] = _issue(ISSUER_B, HOLDER, ACH_GDPR, 600, 6, START);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.OutsideWindow.selector, 0, START + 2 days));
        _claim(cs);

        // A 30-day window (the issuers' accreditations run a year: the window, not the awarding issuer, refuses).
        cs[0] = _issue(ISSUER_A, HOLDER, ACH_SEC, 500, 6, START);
        IStackingRegistry.PathwayRules memory recent = _rules(false);
        recent.maxAgeSeconds = 30 days;
        bytes32 recentId = keccak256("recent");
        _register(recentId, recent, _lists());
        vm.warp(START + 30 days + 1);
        IStackingRegistry.Claim memory c = _claimOf(HOLDER);
        c.pathwayId = recentId;
        IStackingRegistry.PathwayLists memory lists = _lists();
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.OutsideWindow.selector, 0, START));
        vm.prank(HOLDER);
        stacking.claim(c, _claimLists(lists), _pack(cs, lists), "");
    }

    /// A required module missing, replaced by an elective: the group is not met.
    function test_groupUnmet() public {
        Component[] memory cs = new Component[](2);
        cs[0] = _issue(ISSUER_A, HOLDER, ACH_SEC, 500, 6, START);
        cs[1] = _issue(ISSUER_B, HOLDER, ACH_ELECTIVE, 600, 6, START);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.GroupUnmet.selector, 0, 1, 2));
        _claim(cs);
    }

    /// Unlisted components count only where an open slot takes them: one elective here, not two.
    function test_unlistedOnlyInOpenSlots() public {
        Component[] memory cs = new Component[](4);
        Component[] memory pair = _genuinePair();
        (cs[0], cs[1]) = (pair[0], pair[1]);
        cs[2] = _issue(ISSUER_A, HOLDER, ACH_ELECTIVE, 100, 6, START);
        cs[3] = _issue(ISSUER_B, HOLDER, keccak256("another elective"), 100, 6, START);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.UnlistedOutOfBounds.selector, 2, 0, 1));
        _claim(cs);
    }

    /// A withdrawn awarding issuer awards nothing, whatever it registered before.
    function test_awardingIssuerMustBeAccredited() public {
        Component[] memory cs = _genuinePair();
        vm.prank(ACCREDITOR);
        registry.withdraw(ISSUER_A, uint48(block.timestamp));
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.AwardingIssuerNotAccredited.selector, ISSUER_A));
        _claim(cs);
    }

    /// A holder voids a signed claim it regrets: the relayer's submission fails.
    function test_invalidateSignedClaims() public {
        Component[] memory cs = _genuinePair();
        IStackingRegistry.PathwayLists memory lists = _lists();
        IStackingRegistry.Claim memory c = _claimOf(HOLDER);
        bytes memory signature = _sign(HOLDER_KEY, c, _leavesOf(cs, HOLDER));
        vm.prank(HOLDER);
        stacking.invalidateSignedClaims();
        assertEq(stacking.nonceOf(HOLDER), 1, "nonce");
        bytes memory packed = _pack(cs, lists);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.InvalidHolderSignature.selector, HOLDER));
        stacking.claim(c, _claimLists(lists), packed, signature);
        stacking.claim(c, _claimLists(lists), packed, _sign(HOLDER_KEY, c, _leavesOf(cs, HOLDER)));
    }

    /// A listed module from an issuer other than the one the pathway names does not fill it.
    function test_listedAchievementBoundToItsIssuer() public {
        Component[] memory cs = new Component[](2);
        cs[0] = _issue(ISSUER_A, HOLDER, ACH_SEC, 500, 6, START);
        cs[1] = _issue(ISSUER_A, HOLDER, ACH_GDPR, 600, 6, START); // GDPR is B's module
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.WrongIssuerForAchievement.selector, 1, 1));
        _claim(cs);
    }

    /// Issuer allow-list and distinct institutions.
    function test_issuersNotAllowedOrTooFew() public {
        IStackingRegistry.PathwayLists memory lists = _lists();
        lists.issuers = new address[](1);
        lists.issuers[0] = ISSUER_A;
        lists.achievementIssuers[1] = address(0);
        IStackingRegistry.PathwayRules memory rules = _rules(false);
        rules.minDistinctIssuers = 1;
        bytes32 only = keccak256("only-A");
        _register(only, rules, lists);
        Component[] memory cs = _genuinePair();
        IStackingRegistry.Claim memory c = _claimOf(HOLDER);
        c.pathwayId = only;
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.IssuerNotAllowed.selector, ISSUER_B));
        vm.prank(HOLDER);
        stacking.claim(c, _claimLists(lists), _pack(cs, lists), "");

        // Both modules open to any allowed issuer, two institutions required: both from A fall short.
        lists = _lists();
        lists.achievementIssuers[1] = address(0);
        bytes32 open = keccak256("open-two");
        _register(open, _rules(false), lists);
        cs[1] = _issue(ISSUER_A, HOLDER, ACH_GDPR, 600, 6, START);
        c.pathwayId = open;
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.TooFewInstitutions.selector, 1, 2));
        vm.prank(HOLDER);
        stacking.claim(c, _claimLists(lists), _pack(cs, lists), "");
    }

    /// The lists sent must be the registered ones.
    function test_listsMustMatch() public {
        Component[] memory cs = _genuinePair();
        IStackingRegistry.PathwayLists memory lists = _lists();
        lists.groups[0].requiredNumber = 1;
        bytes32 expected = stacking.listsHashOf(_lists());
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.ListsMismatch.selector, expected, stacking.listsHashOf(lists)));
        vm.prank(HOLDER);
        stacking.claim(_claimOf(HOLDER), _claimLists(lists), _pack(cs, lists), "");
    }

    /// Exclusive pathways lock their components against each other; a non-exclusive one does not.
    function test_exclusiveLocks() public {
        bytes32 x1 = keccak256("exclusive-1");
        bytes32 x2 = keccak256("exclusive-2");
        _register(x1, _rules(true), _lists());
        _register(x2, _rules(true), _lists());
        Component[] memory cs = _genuinePair();
        IStackingRegistry.PathwayLists memory lists = _lists();
        IStackingRegistry.Claim memory c = _claimOf(HOLDER);
        vm.startPrank(HOLDER);
        c.pathwayId = x1;
        stacking.claim(c, _claimLists(lists), _pack(cs, lists), "");
        assertTrue(stacking.isLocked(ISSUER_A, cs[0].fields.credentialDigest), "locked");
        c.pathwayId = x2;
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.ComponentLocked.selector, 0));
        stacking.claim(c, _claimLists(lists), _pack(cs, lists), "");
        c.pathwayId = PATHWAY; // not exclusive: the same components still count here
        stacking.claim(c, _claimLists(lists), _pack(cs, lists), "");
        vm.stopPrank();
    }

    /// Registration: only an issuer accredited now; once per id; lists that can be met.
    function test_registration() public {
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.NotAccreditedIssuer.selector, HOLDER));
        vm.prank(HOLDER);
        stacking.registerPathway(keccak256("x"), _rules(false), _lists());
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.PathwayAlreadyRegistered.selector, ISSUER_A, PATHWAY));
        _register(PATHWAY, _rules(false), _lists());
        // The same id is B's own.
        vm.prank(ISSUER_B);
        stacking.registerPathway(PATHWAY, _rules(false), _lists());

        IStackingRegistry.PathwayLists memory bad = _lists();
        bad.groups[0].requiredNumber = 3; // 3 of 2
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.InvalidPathway.selector, "groups"));
        _register(keccak256("bad-1"), _rules(false), bad);
        bad = _lists();
        bad.groups[0].members = 4; // names a third, unlisted achievement
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.InvalidPathway.selector, "groups"));
        _register(keccak256("bad-2"), _rules(false), bad);
        bad = _lists();
        bad.achievementIds[1] = ACH_SEC;
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.InvalidPathway.selector, "achievements"));
        _register(keccak256("bad-3"), _rules(false), bad);
        bad = _lists();
        (bad.issuers[0], bad.issuers[1]) = (bad.issuers[1], bad.issuers[0]);
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.InvalidPathway.selector, "issuers"));
        _register(keccak256("bad-4"), _rules(false), bad);

        vm.prank(ISSUER_A);
        stacking.retirePathway(PATHWAY);
        Component[] memory cs = _genuinePair();
        vm.expectRevert(abi.encodeWithSelector(IStackingRegistry.PathwayIsRetired.selector, ISSUER_A, PATHWAY));
        _claim(cs);
    }

    /// The batched check agrees with checkCredential on every credential, genuine or tampered.
    function testFuzz_batchedCheckAgreesWithSingle(uint256 tamper, uint256 value) public {
        Component[] memory cs = _genuinePair();
        tamper = bound(tamper, 0, 3);
        if (tamper == 1) cs[0].fields.creditsCenti = uint32(value);
        if (tamper == 2) cs[1].proof[0] = bytes32(value);
        if (tamper == 3) cs[0].fields.eqfLevel = uint8(value);
        (ICredentialRegistry.CredentialState[] memory states, bytes32[] memory leaves) =
            registry.checkCredentials(HOLDER, _pack(cs, _lists()));
        for (uint256 i = 0; i < 2; ++i) {
            cs[i].fields.holder = HOLDER;
            (ICredentialRegistry.CredentialState s, bytes32 leaf) =
                registry.checkCredential(cs[i].issuer, cs[i].root, cs[i].fields, cs[i].proof);
            assertTrue(s == states[i], "same state");
            assertEq(leaf, leaves[i], "same leaf");
        }
    }

    /// Truncated, padded or out-of-table encodings are refused, never read past their end.
    function testFuzz_malformedPackingRefused(uint256 cut) public {
        bytes memory packed = _pack(_genuinePair(), _lists());
        cut = bound(cut, 0, packed.length - 1);
        _expectMalformed(_slice(packed, 0, cut));
        _expectMalformed(abi.encodePacked(packed, uint8(cut)));
    }

    function _expectMalformed(bytes memory packed) internal view {
        (bool ok, bytes memory data) =
            address(registry).staticcall(abi.encodeCall(registry.checkCredentials, (HOLDER, packed)));
        assertFalse(ok, "refused");
        assertTrue(bytes4(data) == PackedCredentials.MalformedPackedCredentials.selector, "MalformedPackedCredentials");
    }

    function _slice(bytes memory b, uint256 from, uint256 to) internal pure returns (bytes memory out) {
        out = new bytes(to - from);
        for (uint256 i = from; i < to; ++i) out[i - from] = b[i];
    }
}
