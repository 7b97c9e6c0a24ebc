// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CheatcodeTest} from "./utils/CheatcodeTest.sol";
import {CredentialRegistry} from "../../contracts/registry/CredentialRegistry.sol";
import {IAccreditationRegistry} from "../../contracts/interfaces/IAccreditationRegistry.sol";
import {ICredentialRegistry} from "../../contracts/interfaces/ICredentialRegistry.sol";

/// @dev Fuzz tests of the registry's invariants: who may anchor and revoke, that roots are never
/// overwritten, and that revocation bits never leak across batches or indices.
contract CredentialRegistryFuzzTest is CheatcodeTest {
    CredentialRegistry internal registry;

    address internal constant ACCREDITOR = address(0xA11CE);
    address internal constant ISSUER_A = address(0x1A);
    address internal constant ISSUER_B = address(0x1B);
    address internal constant OPERATOR_A = address(0x0A);
    address internal constant OPERATOR_B = address(0x0B);
    uint40 internal constant START = 1_700_000_000;

    function setUp() public {
        vm.warp(START);
        registry = new CredentialRegistry(address(this));
        registry.grantRole(registry.ACCREDITOR_ROLE(), ACCREDITOR);
        vm.startPrank(ACCREDITOR);
        registry.accredit(ISSUER_A, keccak256("A"), 7, START, START + 365 days);
        registry.accredit(ISSUER_B, keccak256("B"), 6, START, START + 365 days);
        vm.stopPrank();
        vm.prank(ISSUER_A);
        registry.addOperator(OPERATOR_A);
        vm.prank(ISSUER_B);
        registry.addOperator(OPERATOR_B);
    }

    function _isKnown(address who) internal pure returns (bool) {
        return who == OPERATOR_A || who == OPERATOR_B;
    }

    /// Only a current operator key can anchor; anyone else gets NotOperator(caller).
    function testFuzz_onlyOperatorsAnchor(address caller, bytes32 root, uint32 leafCount) public {
        vm.assume(!_isKnown(caller) && root != bytes32(0) && leafCount != 0);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotOperator.selector, caller));
        vm.prank(caller);
        registry.anchorBatch(root, leafCount, bytes32(0));
    }

    /// A root can never be re-anchored or overwritten, by its issuer or by another one.
    function testFuzz_rootIsNeverOverwritten(bytes32 root, uint32 countA, uint32 countB, bool sameIssuer) public {
        vm.assume(root != bytes32(0) && countA != 0 && countB != 0);
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, countA, keccak256("m1"));
        ICredentialRegistry.Batch memory before = registry.batchOf(root);

        vm.warp(START + 1 days);
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.BatchAlreadyAnchored.selector, root));
        vm.prank(sameIssuer ? OPERATOR_A : OPERATOR_B);
        registry.anchorBatch(root, countB, keccak256("m2"));

        ICredentialRegistry.Batch memory afterwards = registry.batchOf(root);
        assertEq(afterwards.issuer, ISSUER_A, "issuer unchanged");
        assertEq(afterwards.leafCount, before.leafCount, "leaf count unchanged");
        assertEq(afterwards.anchoredAt, before.anchoredAt, "anchor time unchanged");
    }

    /// Only a current operator of the batch's issuer can revoke or suspend its credentials.
    function testFuzz_onlyBatchOperatorsRevoke(address caller, uint256 index) public {
        vm.assume(caller != OPERATOR_A);
        bytes32 root = keccak256("batch");
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 1000, bytes32(0));
        index = bound(index, 0, 999);
        uint256[] memory indices = new uint256[](1);
        indices[0] = index;

        if (caller == OPERATOR_B) {
            vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.NotBatchIssuer.selector, root, ISSUER_B));
        } else {
            vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotOperator.selector, caller));
        }
        vm.prank(caller);
        registry.revokeCredentials(root, indices, 1);
        assertFalse(registry.isRevoked(root, index), "not revoked");
    }

    /// A removed operator key can no longer anchor or revoke (key rotation).
    function testFuzz_removedOperatorIsLockedOut(bytes32 root) public {
        vm.assume(root != bytes32(0));
        vm.prank(ISSUER_A);
        registry.removeOperator(OPERATOR_A);
        vm.expectRevert(abi.encodeWithSelector(IAccreditationRegistry.NotOperator.selector, OPERATOR_A));
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, 1, bytes32(0));
    }

    /// Revoking index i of batch X sets exactly that bit: no other index, no other batch.
    function testFuzz_revocationBitsDoNotLeak(uint256 leafCount, uint256 i, uint256 j, bytes32 rootX, bytes32 rootY) public {
        vm.assume(rootX != bytes32(0) && rootY != bytes32(0) && rootX != rootY);
        leafCount = bound(leafCount, 1, 1 << 20);
        i = bound(i, 0, leafCount - 1);
        j = bound(j, 0, leafCount - 1);
        vm.startPrank(OPERATOR_A);
        registry.anchorBatch(rootX, uint32(leafCount), bytes32(0));
        registry.anchorBatch(rootY, uint32(leafCount), bytes32(0));
        uint256[] memory indices = new uint256[](1);
        indices[0] = i;
        registry.revokeCredentials(rootX, indices, 3);
        registry.suspendCredentials(rootY, indices);
        vm.stopPrank();

        assertTrue(registry.isRevoked(rootX, i), "revoked bit set");
        assertFalse(registry.isRevoked(rootY, i), "no leak to other batch");
        assertFalse(registry.isSuspended(rootX, i), "revocation is not suspension");
        assertTrue(registry.isSuspended(rootY, i), "suspended bit set");
        if (j != i) {
            assertFalse(registry.isRevoked(rootX, j), "no leak to other index");
            assertFalse(registry.isSuspended(rootY, j), "no leak to other index (suspension)");
        }
    }

    /// Indices at or beyond the leaf count are rejected, and nothing is written.
    function testFuzz_indexOutOfRange(uint32 leafCount, uint256 index) public {
        leafCount = uint32(bound(leafCount, 1, type(uint32).max));
        vm.assume(index >= leafCount);
        bytes32 root = keccak256("range");
        vm.prank(OPERATOR_A);
        registry.anchorBatch(root, leafCount, bytes32(0));
        uint256[] memory indices = new uint256[](1);
        indices[0] = index;
        vm.expectRevert(abi.encodeWithSelector(ICredentialRegistry.IndexOutOfRange.selector, root, index, leafCount));
        vm.prank(OPERATOR_A);
        registry.revokeCredentials(root, indices, 1);
    }

    /// Suspension is reversible and reinstatement clears exactly the suspended bit.
    function testFuzz_suspendThenReinstate(uint256 index) public {
        bytes32 root = keccak256("suspend");
        index = bound(index, 0, 4095);
        vm.startPrank(OPERATOR_A);
        registry.anchorBatch(root, 4096, bytes32(0));
        uint256[] memory indices = new uint256[](2);
        indices[0] = index;
        indices[1] = index == 0 ? 1 : index - 1;
        registry.suspendCredentials(root, indices);
        uint256[] memory one = new uint256[](1);
        one[0] = index;
        registry.reinstateCredentials(root, one);
        vm.stopPrank();
        assertFalse(registry.isSuspended(root, index), "reinstated");
        assertTrue(registry.isSuspended(root, indices[1]), "neighbour still suspended");
    }

    /// The accreditation history answers point-in-time queries: suspension takes effect from its timestamp.
    function testFuzz_accreditationHistory(uint256 suspendAfter, uint256 queryAt) public {
        suspendAfter = bound(suspendAfter, 1, 100 days);
        queryAt = bound(queryAt, START, START + 200 days);
        vm.warp(START + 150 days);
        vm.prank(ACCREDITOR);
        registry.suspend(ISSUER_A, uint48(START + suspendAfter));
        bool expected = queryAt < START + suspendAfter;
        assertTrue(registry.isAccredited(ISSUER_A, uint48(queryAt)) == expected, "status at time");
        assertTrue(registry.isAccredited(ISSUER_B, uint48(queryAt)), "other issuer unaffected");
    }
}
