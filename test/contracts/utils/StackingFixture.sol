// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {RegistryFixture} from "./RegistryFixture.sol";
import {StackingRegistry} from "../../../contracts/stacking/StackingRegistry.sol";
import {IStackingRegistry} from "../../../contracts/interfaces/IStackingRegistry.sol";
import {CredentialLeaf} from "../../../contracts/libraries/CredentialLeaf.sol";
import {Component, ComponentPacker} from "./ComponentPacker.sol";

/**
 * @dev The registry of {RegistryFixture} plus a stacking registry, a holder with a signing key and
 * helpers that build real anchored components (a credential and a decoy in a two-leaf batch) and
 * pack them as the SDK does (docs/spec.md §13.3).
 */
abstract contract StackingFixture is RegistryFixture {
    StackingRegistry internal stacking;

    uint256 internal constant HOLDER_KEY = 0x401DE2;
    uint256 internal constant OTHER_KEY = 0x07E2;
    address internal HOLDER;
    address internal OTHER;
    bytes32 internal constant PATHWAY = keccak256("https://uva.example/pathways/rbe@1.0.0");
    bytes32 internal constant ACH_SEC = keccak256("smart-contract-security");
    bytes32 internal constant ACH_GDPR = keccak256("data-protection-by-design");
    bytes32 internal constant ACH_ELECTIVE = keccak256("elective");

    uint256 private _batchSeed;

    function setUp() public virtual override {
        super.setUp();
        stacking = new StackingRegistry(registry);
        HOLDER = vm.addr(HOLDER_KEY);
        OTHER = vm.addr(OTHER_KEY);
    }

    /// @dev Issues and anchors a credential of `holder` (with a decoy neighbour) and returns it.
    function _issue(address issuer, address holder, bytes32 achievementId, uint32 creditsCenti, uint8 eqf, uint40 awardedAt)
        internal
        returns (Component memory c)
    {
        _batchSeed++;
        c.issuer = issuer;
        c.fields = CredentialLeaf.Fields({
            index: _batchSeed % 2,
            achievementId: achievementId,
            creditsCenti: creditsCenti,
            eqfLevel: eqf,
            awardedAt: awardedAt,
            holder: holder,
            credentialDigest: keccak256(abi.encode("digest", _batchSeed))
        });
        CredentialLeaf.Fields memory decoy = CredentialLeaf.Fields({
            index: 1 - c.fields.index,
            achievementId: achievementId,
            creditsCenti: creditsCenti,
            eqfLevel: eqf,
            awardedAt: awardedAt,
            holder: address(uint160(uint256(keccak256(abi.encode("decoy", _batchSeed))))),
            credentialDigest: keccak256(abi.encode("decoy", _batchSeed))
        });
        bytes32 leaf = _leaf(issuer, c.fields);
        bytes32 other = registry.leafOf(issuer, decoy);
        c.root = _hashPair(leaf, other);
        c.proof = new bytes32[](1);
        c.proof[0] = other;
        vm.prank(issuer == ISSUER_A ? OPERATOR_A : OPERATOR_B);
        registry.anchorBatch(c.root, 2, bytes32(0));
    }

    /// @dev The two-module pathway of both issuers: SEC by A and GDPR by B, both required, one
    /// optional open slot (an elective), ≥ 10 ECTS, EQF ≥ 6, two institutions, a five-year window.
    function _lists() internal pure returns (IStackingRegistry.PathwayLists memory lists) {
        lists.issuers = new address[](2);
        (lists.issuers[0], lists.issuers[1]) = ISSUER_A < ISSUER_B ? (ISSUER_A, ISSUER_B) : (ISSUER_B, ISSUER_A);
        lists.achievementIds = new bytes32[](2);
        (lists.achievementIds[0], lists.achievementIds[1]) = (ACH_SEC, ACH_GDPR);
        lists.achievementIssuers = new address[](2);
        (lists.achievementIssuers[0], lists.achievementIssuers[1]) = (ISSUER_A, ISSUER_B);
        lists.groups = new IStackingRegistry.Group[](1);
        lists.groups[0] = IStackingRegistry.Group(2, 3);
    }

    function _rules(bool exclusive) internal pure returns (IStackingRegistry.PathwayRules memory) {
        return IStackingRegistry.PathwayRules({
            definitionDigest: keccak256("definition"),
            minCreditsCenti: 1000,
            minEqfLevel: 6,
            minDistinctIssuers: 2,
            maxAgeSeconds: 5 * 365 days,
            minUnlisted: 0,
            maxUnlisted: 1,
            exclusive: exclusive
        });
    }

    function _register(bytes32 pathwayId, IStackingRegistry.PathwayRules memory rules, IStackingRegistry.PathwayLists memory lists)
        internal
    {
        vm.prank(ISSUER_A);
        stacking.registerPathway(pathwayId, rules, lists);
    }

    /// @dev The default pair of genuine components of HOLDER: SEC (A, 5 ECTS) and GDPR (B, 6 ECTS).
    function _genuinePair() internal returns (Component[] memory cs) {
        cs = new Component[](2);
        cs[0] = _issue(ISSUER_A, HOLDER, ACH_SEC, 500, 6, START);
        cs[1] = _issue(ISSUER_B, HOLDER, ACH_GDPR, 600, 6, START);
    }

    function _pack(Component[] memory cs, IStackingRegistry.PathwayLists memory lists) internal pure returns (bytes memory) {
        return ComponentPacker.pack(cs, lists);
    }

    function _claim(Component[] memory cs) internal {
        IStackingRegistry.PathwayLists memory lists = _lists();
        vm.prank(HOLDER);
        stacking.claim(_claimOf(HOLDER), _claimLists(lists), _pack(cs, lists), "");
    }

    /// @dev The lists as a claim sends them (the listed ids open the packed table instead).
    function _claimLists(IStackingRegistry.PathwayLists memory lists) internal pure returns (IStackingRegistry.ClaimLists memory) {
        return IStackingRegistry.ClaimLists(lists.issuers, lists.achievementIssuers, lists.groups);
    }

    function _claimOf(address holder) internal view returns (IStackingRegistry.Claim memory) {
        return IStackingRegistry.Claim({issuer: ISSUER_A, pathwayId: PATHWAY, holder: holder, deadline: block.timestamp + 1 hours});
    }

    /// @dev The holder's EIP-712 signature of a claim over these leaves.
    function _sign(uint256 key, IStackingRegistry.Claim memory c, bytes32[] memory leaves) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, stacking.claimDigest(c, keccak256(abi.encodePacked(leaves))));
        return abi.encodePacked(r, s, v);
    }

    function _leavesOf(Component[] memory cs, address holder) internal view returns (bytes32[] memory leaves) {
        leaves = new bytes32[](cs.length);
        for (uint256 i = 0; i < cs.length; ++i) {
            CredentialLeaf.Fields memory f = cs[i].fields;
            f.holder = holder;
            leaves[i] = registry.leafOf(cs[i].issuer, f);
        }
    }
}
