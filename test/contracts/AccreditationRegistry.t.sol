// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {RegistryFixture} from "./utils/RegistryFixture.sol";
import {IAccreditationRegistry} from "../../contracts/interfaces/IAccreditationRegistry.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IAccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

/// @dev Accreditation: roles always checked, append-only history, historical profiles, key consent.
contract AccreditationRegistryFuzzTest is RegistryFixture {
    address internal constant ACCREDITOR_2 = address(0xA22CE);

    /// A de-roled accreditor can no longer suspend, reinstate or withdraw its issuers.
    function testFuzz_deRoledAccreditorCannotAct(uint8 action) public {
        bytes32 role = registry.ACCREDITOR_ROLE();
        vm.prank(ADMIN);
        registry.revokeRole(role, ACCREDITOR);
        vm.warp(START + 10);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotIssuerAccreditor.selector, ISSUER_A, ACCREDITOR));
        vm.prank(ACCREDITOR);
        action %= 3;
        if (action == 0) registry.suspend(ISSUER_A, uint48(START + 10));
        else if (action == 1) registry.withdraw(ISSUER_A, uint48(START + 10));
        else registry.reinstate(ISSUER_A, uint48(START + 10));
    }

    /// Another accreditor cannot touch an issuer it does not own, and cannot re-accredit it under another name.
    function test_otherAccreditorCannotTakeOver() public {
        bytes32 role = registry.ACCREDITOR_ROLE();
        vm.prank(ADMIN);
        registry.grantRole(role, ACCREDITOR_2);
        vm.warp(START + 10);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotIssuerAccreditor.selector, ISSUER_A, ACCREDITOR_2));
        vm.prank(ACCREDITOR_2);
        registry.accredit(ISSUER_A, keccak256("Harvard"), 8, START, START + 10 days);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotIssuerAccreditor.selector, ISSUER_A, ACCREDITOR_2));
        vm.prank(ACCREDITOR_2);
        registry.suspend(ISSUER_A, uint48(START + 10));
    }

    /// Governance hands an issuer over; the new accreditor acts, the old one no longer can, and the
    /// history keeps who was responsible when.
    function test_transferIssuer() public {
        bytes32 role = registry.ACCREDITOR_ROLE();
        vm.startPrank(ADMIN);
        registry.grantRole(role, ACCREDITOR_2);
        vm.warp(START + 100);
        registry.transferIssuer(ISSUER_A, ACCREDITOR_2);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotAnAccreditor.selector, address(0xBAD)));
        registry.transferIssuer(ISSUER_A, address(0xBAD));
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, ACCREDITOR, bytes32(0))
        );
        vm.prank(ACCREDITOR);
        registry.transferIssuer(ISSUER_A, ACCREDITOR);
        vm.warp(START + 200);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotIssuerAccreditor.selector, ISSUER_A, ACCREDITOR));
        vm.prank(ACCREDITOR);
        registry.suspend(ISSUER_A, uint48(START + 200));
        vm.prank(ACCREDITOR_2);
        registry.suspend(ISSUER_A, uint48(START + 200));
        assertEq(registry.accreditationAt(ISSUER_A, uint48(START + 50)).accreditor, ACCREDITOR, "before the handover");
        assertEq(registry.accreditationAt(ISSUER_A, uint48(START + 150)).accreditor, ACCREDITOR_2, "after it");
    }

    /// History is append-only and strictly ordered: no change can take the effective time of the
    /// last one (which would overwrite it), e.g. a reinstatement erasing a suspension.
    function testFuzz_historyCannotBeRewritten(uint256 suspendAt, uint256 reinstateAt) public {
        vm.warp(START + 30 days);
        suspendAt = bound(suspendAt, START + 1, START + 30 days);
        reinstateAt = bound(reinstateAt, START, START + 30 days);
        vm.prank(ACCREDITOR);
        registry.suspend(ISSUER_A, uint48(suspendAt));
        uint256 length = registry.accreditationHistoryLength(ISSUER_A);
        if (reinstateAt <= suspendAt) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IAccreditationRegistry.EffectiveTimeNotAfterLastChange.selector,
                    uint48(reinstateAt),
                    uint48(suspendAt)
                )
            );
        }
        vm.prank(ACCREDITOR);
        registry.reinstate(ISSUER_A, uint48(reinstateAt));
        assertEq(
            registry.accreditationHistoryLength(ISSUER_A),
            reinstateAt <= suspendAt ? length : length + 1,
            "appended or refused"
        );
        IAccreditationRegistry.Accreditation memory atSuspension = registry.accreditationAt(ISSUER_A, uint48(suspendAt));
        assertTrue(atSuspension.status == IAccreditationRegistry.AccreditationStatus.Suspended || reinstateAt <= suspendAt, "kept");
        if (reinstateAt > suspendAt) assertTrue(atSuspension.status == IAccreditationRegistry.AccreditationStatus.Suspended, "suspension kept");
    }

    /// Profiles are historical: a renamed issuer's older accreditation keeps its older profile.
    function test_profilesAreHistorical() public {
        vm.warp(START + 100 days);
        vm.prank(ACCREDITOR);
        registry.accredit(ISSUER_A, keccak256("A renamed"), 7, START + 100 days, START + 500 days);
        assertEq(registry.accreditationAt(ISSUER_A, uint48(START + 50 days)).profileDigest, keccak256("A"), "old name then");
        assertEq(registry.accreditationAt(ISSUER_A, uint48(START + 100 days)).profileDigest, keccak256("A renamed"), "new now");
        (bytes32 current, address accreditor) = registry.issuerProfile(ISSUER_A);
        assertEq(current, keccak256("A renamed"), "current profile");
        assertEq(accreditor, ACCREDITOR, "current accreditor");
    }

    /// Point-in-time lookups are binary searches: with a long history every answer is right.
    function testFuzz_longHistoryLookup(uint256 queryAt) public {
        uint256 t = START;
        for (uint256 i = 0; i < 40; ++i) {
            t += 1 days;
            vm.warp(t);
            vm.prank(ACCREDITOR);
            if (i % 2 == 0) registry.suspend(ISSUER_A, uint48(t));
            else registry.reinstate(ISSUER_A, uint48(t));
        }
        queryAt = bound(queryAt, START, t + 1 days);
        uint256 changes = queryAt < START + 1 days ? 0 : (queryAt - START) / 1 days;
        if (changes > 40) changes = 40;
        bool suspended = changes % 2 == 1;
        assertTrue(registry.isAccredited(ISSUER_A, uint48(queryAt)) == !suspended, "status at time");
    }

    /// An operator key joins only with its own consent: no other signature, issuer or deadline passes.
    function testFuzz_operatorKeyConsent(uint256 signerKey, uint256 victimKey, bool wrongIssuer) public {
        signerKey = bound(signerKey, 1, 2 ** 128);
        victimKey = bound(victimKey, 2 ** 128 + 1, 2 ** 160);
        address victim = vm.addr(victimKey);
        uint256 deadline = block.timestamp + 1 hours;
        // B forges a consent for A's future key (signed by someone else), or replays A's consent.
        bytes memory signature = wrongIssuer ? _consent(ISSUER_A, victimKey, deadline) : _consent(ISSUER_B, signerKey, deadline);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.InvalidOperatorConsent.selector, victim));
        vm.prank(ISSUER_B);
        registry.addOperator(victim, deadline, signature);
        // An expired consent fails too, even a genuine one.
        bytes memory genuine = _consent(ISSUER_B, victimKey, deadline);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.OperatorConsentExpired.selector, victim, deadline));
        vm.prank(ISSUER_B);
        registry.addOperator(victim, deadline, genuine);
    }

    /// An issuer cannot be an operator key and an operator key cannot become an issuer.
    function test_issuerAndOperatorRolesDoNotMix() public {
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.InvalidIssuer.selector, OPERATOR_A));
        vm.prank(ACCREDITOR);
        registry.accredit(OPERATOR_A, keccak256("X"), 5, START, START + 10 days);
        bytes memory selfConsent = _consent(ISSUER_A, OPERATOR_B_KEY, block.timestamp + 1);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.OperatorKeyAlreadyUsed.selector, OPERATOR_B));
        vm.prank(ISSUER_A);
        registry.addOperator(OPERATOR_B, block.timestamp + 1, selfConsent);
    }

    /// The governance admin moves only in two steps, after the delay (AccessControlDefaultAdminRules).
    function test_adminTransferIsTwoStepWithDelay() public {
        address next = address(0x5AFE);
        vm.expectRevert(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector);
        vm.prank(ADMIN);
        registry.grantRole(bytes32(0), next);
        vm.prank(ADMIN);
        registry.beginDefaultAdminTransfer(next);
        (, uint48 schedule) = registry.pendingDefaultAdmin();
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector, schedule)
        );
        vm.prank(next);
        registry.acceptDefaultAdminTransfer();
        vm.warp(block.timestamp + ADMIN_DELAY + 1);
        vm.prank(next);
        registry.acceptDefaultAdminTransfer();
        assertEq(registry.defaultAdmin(), next, "new admin");
    }
}
