// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CheatcodeTest} from "./CheatcodeTest.sol";
import {CredentialRegistry} from "../../../contracts/registry/CredentialRegistry.sol";
import {CredentialLeaf} from "../../../contracts/libraries/CredentialLeaf.sol";
import {ICredentialRegistry} from "../../../contracts/interfaces/ICredentialRegistry.sol";

/**
 * @dev A deployed registry with two accredited issuers (A: EQF ≤ 7, B: EQF ≤ 6), each with one
 * operator key that consented by EIP-712 signature, and helpers to build small real batches
 * (leaves from public fields, a sorted-pair Merkle tree, proofs) as the SDK does.
 */
abstract contract RegistryFixture is CheatcodeTest {
    CredentialRegistry internal registry;

    address internal constant ADMIN = address(0xAD);
    address internal constant ACCREDITOR = address(0xA11CE);
    address internal constant ISSUER_A = address(0x1A);
    address internal constant ISSUER_B = address(0x1B);
    uint256 internal constant OPERATOR_A_KEY = 0xA0A0;
    uint256 internal constant OPERATOR_B_KEY = 0xB0B0;
    address internal OPERATOR_A;
    address internal OPERATOR_B;
    uint40 internal constant START = 1_700_000_000;
    uint48 internal constant ADMIN_DELAY = 3 days;

    function setUp() public virtual {
        vm.warp(START);
        registry = new CredentialRegistry(ADMIN_DELAY, ADMIN);
        bytes32 role = registry.ACCREDITOR_ROLE();
        vm.prank(ADMIN);
        registry.grantRole(role, ACCREDITOR);
        vm.startPrank(ACCREDITOR);
        registry.accredit(ISSUER_A, keccak256("A"), 7, START, START + 365 days);
        registry.accredit(ISSUER_B, keccak256("B"), 6, START, START + 365 days);
        vm.stopPrank();
        OPERATOR_A = _addOperator(ISSUER_A, OPERATOR_A_KEY);
        OPERATOR_B = _addOperator(ISSUER_B, OPERATOR_B_KEY);
        vm.warp(START + 1);
    }

    /// @dev The key's EIP-712 consent to operate for `issuer`.
    function _consent(address issuer, uint256 privateKey, uint256 deadline) internal view returns (bytes memory) {
        bytes32 digest = registry.operatorConsentDigest(issuer, vm.addr(privateKey), deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(privateKey, digest);
        return abi.encodePacked(r, s, v);
    }

    function _addOperator(address issuer, uint256 privateKey) internal returns (address key) {
        key = vm.addr(privateKey);
        bytes memory signature = _consent(issuer, privateKey, block.timestamp + 1 hours);
        vm.prank(issuer);
        registry.addOperator(key, block.timestamp + 1 hours, signature);
    }

    /// @dev Public fields of a credential at `index`, the rest derived from `seed`.
    function _fields(uint256 index, uint8 eqf, uint256 seed) internal pure returns (CredentialLeaf.Fields memory) {
        return
            CredentialLeaf.Fields({
                index: index,
                achievementId: keccak256(abi.encode("achievement", seed)),
                creditsCenti: 500,
                eqfLevel: eqf,
                awardedAt: START,
                holder: address(uint160(uint256(keccak256(abi.encode("holder", seed, index))))),
                credentialDigest: keccak256(abi.encode("digest", seed, index))
            });
    }

    /// @dev What the registry's safe check says of a credential.
    function _state(address issuer, bytes32 root, CredentialLeaf.Fields memory f, bytes32[] memory proof)
        internal
        view
        returns (ICredentialRegistry.CredentialState state)
    {
        (state, ) = registry.checkCredential(issuer, root, f, proof);
    }

    /// @dev The leaf of `f` issued by `issuer`.
    function _leaf(address issuer, CredentialLeaf.Fields memory f) internal view returns (bytes32) {
        return registry.leafOf(issuer, f);
    }

    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    /// @dev A two-leaf batch of ISSUER_A: its root and each leaf's one-element proof.
    function _pairBatch(uint8 eqf, uint256 seed)
        internal
        view
        returns (bytes32 root, CredentialLeaf.Fields memory f0, CredentialLeaf.Fields memory f1, bytes32[] memory p0, bytes32[] memory p1)
    {
        return _pairBatch(ISSUER_A, eqf, seed);
    }

    /// @dev A two-leaf batch of `issuer`: its root and each leaf's one-element proof.
    function _pairBatch(address issuer, uint8 eqf, uint256 seed)
        internal
        view
        returns (bytes32 root, CredentialLeaf.Fields memory f0, CredentialLeaf.Fields memory f1, bytes32[] memory p0, bytes32[] memory p1)
    {
        f0 = _fields(0, eqf, seed);
        f1 = _fields(1, eqf, seed);
        bytes32 l0 = _leaf(issuer, f0);
        bytes32 l1 = _leaf(issuer, f1);
        root = _hashPair(l0, l1);
        p0 = new bytes32[](1);
        p0[0] = l1;
        p1 = new bytes32[](1);
        p1[0] = l0;
    }

    /// @dev One index as the (words, masks) pair the registry takes.
    function _one(uint256 index) internal pure returns (uint256[] memory words, uint256[] memory masks) {
        words = new uint256[](1);
        masks = new uint256[](1);
        words[0] = index >> 8;
        masks[0] = uint256(1) << (index & 0xff);
    }
}
