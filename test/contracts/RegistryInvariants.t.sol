// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {RegistryFixture} from "./utils/RegistryFixture.sol";
import {Vm} from "./utils/CheatcodeTest.sol";
import {CredentialRegistry} from "../../contracts/registry/CredentialRegistry.sol";
import {ICredentialRegistry} from "../../contracts/interfaces/ICredentialRegistry.sol";
import {IAccreditationRegistry} from "../../contracts/interfaces/IAccreditationRegistry.sol";

/**
 * @dev Random actions by both issuers' accounts and operator keys, and a stranger, on batches that
 * both issuers anchored under the same roots (a copied root), with time passing and a key
 * declared compromised. Keeps what the invariants compare against.
 */
contract RegistryHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant WORDS = 2;

    CredentialRegistry public immutable registry;
    address[2] public issuers;
    /// Two operator keys per issuer, so that one can still act after the other is declared compromised.
    address[2][2] public keys;
    bytes32[3] public roots;

    /// Final revocation bits ever seen, per issuer, root and word: they must never clear.
    mapping(address => mapping(bytes32 => mapping(uint256 => uint256))) public finalSeen;
    mapping(address => mapping(bytes32 => bool)) public batchFinalSeen;
    /// Set when an action by one issuer's side changed the other issuer's state.
    bool public crossIssuerEffect;
    /// Set when a batch's anchoring record changed although its key was not declared compromised
    /// since a time at or before that anchoring.
    bool public illegitimateOverwrite;
    uint256 public calls;

    constructor(CredentialRegistry registry_, address[2] memory issuers_, address[2][2] memory keys_, bytes32[3] memory roots_) {
        registry = registry_;
        issuers = issuers_;
        keys = keys_;
        roots = roots_;
    }

    /// The key of `side` this call acts with (one of its two, by the call count).
    function _key(uint256 side) internal view returns (address) {
        return keys[side][uint256(keccak256(abi.encode(calls))) % 2];
    }

    function _words() internal pure returns (uint256[] memory w) {
        w = new uint256[](WORDS);
        for (uint256 i = 0; i < WORDS; ++i) w[i] = i;
    }

    function stateOf(address issuer) public view returns (bytes32 h) {
        for (uint256 r = 0; r < roots.length; ++r) {
            h = keccak256(abi.encode(h, registry.batchOf(issuer, roots[r]), registry.statusWords(issuer, roots[r], _words())));
        }
    }

    /// Records final bits now in force, so later steps can check they never disappear.
    function observe() public {
        for (uint256 s = 0; s < 2; ++s) {
            for (uint256 r = 0; r < roots.length; ++r) {
                ICredentialRegistry.StatusWord[] memory w = registry.statusWords(issuers[s], roots[r], _words());
                for (uint256 i = 0; i < WORDS; ++i) finalSeen[issuers[s]][roots[r]][i] |= w[i].revoked;
                if (registry.batchOf(issuers[s], roots[r]).status == ICredentialRegistry.BatchStatus.Revoked) {
                    batchFinalSeen[issuers[s]][roots[r]] = true;
                }
            }
        }
    }

    /// Runs `data` on the registry as one of issuer `side`'s actors (its account or its key), and
    /// notes whether the other issuer's state moved.
    function _act(uint256 side, bool asAccount, bytes memory data) internal {
        side %= 2;
        bytes32 before = stateOf(issuers[1 - side]);
        vm.prank(asAccount ? issuers[side] : _key(side));
        (bool ok, ) = address(registry).call(data);
        ok; // reverts are expected for many random inputs
        if (stateOf(issuers[1 - side]) != before) crossIssuerEffect = true;
        calls++;
        observe();
    }

    function _mask(uint256 index) internal pure returns (uint256[] memory words, uint256[] memory masks) {
        index %= WORDS * 256;
        words = new uint256[](1);
        masks = new uint256[](1);
        words[0] = index >> 8;
        masks[0] = (uint256(1) << (index & 0xff)) | (uint256(1) << ((index * 7) & 0xff));
    }

    function revoke(uint256 side, bool asAccount, uint256 rootSeed, uint256 index) external {
        (uint256[] memory w, uint256[] memory m) = _mask(index);
        _act(side, asAccount, abi.encodeCall(registry.revokeCredentials, (roots[rootSeed % 3], w, m, 1)));
    }

    function cancel(uint256 side, bool asAccount, uint256 rootSeed, uint256 index) external {
        (uint256[] memory w, uint256[] memory m) = _mask(index);
        _act(side, asAccount, abi.encodeCall(registry.cancelRevocations, (roots[rootSeed % 3], w, m)));
    }

    function suspend(uint256 side, bool asAccount, uint256 rootSeed, uint256 index, bool lift) external {
        (uint256[] memory w, uint256[] memory m) = _mask(index);
        bytes32 root = roots[rootSeed % 3];
        _act(
            side,
            asAccount,
            lift
                ? abi.encodeCall(registry.reinstateCredentials, (root, w, m))
                : abi.encodeCall(registry.suspendCredentials, (root, w, m))
        );
    }

    function revokeBatch(uint256 side, bool asAccount, uint256 rootSeed) external {
        _act(side, asAccount, abi.encodeCall(registry.revokeBatch, (roots[rootSeed % 3], 2)));
    }

    function cancelBatch(uint256 side, bool asAccount, uint256 rootSeed) external {
        _act(side, asAccount, abi.encodeCall(registry.cancelBatchRevocation, (roots[rootSeed % 3])));
    }

    function compromise(uint256 side, uint256 back) external {
        side %= 2;
        address key = keys[side][0]; // the second key stays, to re-anchor
        IAccreditationRegistry.OperatorKey memory tenure = registry.operatorKey(key);
        if (tenure.compromisedSince != 0) return;
        uint256 since = block.timestamp - (back % (block.timestamp - tenure.addedAt + 1));
        _act(side, true, abi.encodeCall(registry.declareOperatorCompromised, (key, uint40(since))));
    }

    /// A key of `side` anchors one of the roots (again): allowed only over a compromised anchoring.
    function anchor(uint256 side, uint256 rootSeed, uint32 leafCount) external {
        side %= 2;
        bytes32 root = roots[rootSeed % 3];
        ICredentialRegistry.Batch memory before = registry.batchOf(issuers[side], root);
        IAccreditationRegistry.OperatorKey memory anchoring = registry.operatorKey(before.anchoringKey);
        _act(side, false, abi.encodeCall(registry.anchorBatch, (root, leafCount % 1024, keccak256("m"))));
        ICredentialRegistry.Batch memory afterwards = registry.batchOf(issuers[side], root);
        bool changed = afterwards.anchoringKey != before.anchoringKey || afterwards.anchoredAt != before.anchoredAt ||
            afterwards.leafCount != before.leafCount;
        bool allowed = anchoring.compromisedSince != 0 && anchoring.compromisedSince <= before.anchoredAt;
        if (changed && !allowed) illegitimateOverwrite = true;
    }

    function stranger(uint256 rootSeed, uint256 index, address who) external {
        vm.assume(who != issuers[0] && who != issuers[1]);
        vm.assume(who != keys[0][0] && who != keys[0][1] && who != keys[1][0] && who != keys[1][1]);
        bytes32 beforeA = stateOf(issuers[0]);
        bytes32 beforeB = stateOf(issuers[1]);
        (uint256[] memory w, uint256[] memory m) = _mask(index);
        vm.prank(who);
        (bool ok, ) = address(registry).call(abi.encodeCall(registry.revokeCredentials, (roots[rootSeed % 3], w, m, 1)));
        ok;
        if (stateOf(issuers[0]) != beforeA || stateOf(issuers[1]) != beforeB) crossIssuerEffect = true;
    }

    function warp(uint256 seconds_) external {
        vm.warp(block.timestamp + (seconds_ % 10 days));
        observe();
    }
}

/// @dev Invariants of the registry under random actions (see {RegistryHandler}).
contract RegistryInvariantTest is RegistryFixture {
    RegistryHandler internal handler;
    bytes32[3] internal roots = [keccak256("r0"), keccak256("r1"), keccak256("r2")];

    function setUp() public override {
        super.setUp();
        for (uint256 r = 0; r < roots.length; ++r) {
            // Both issuers anchor the same roots: a copied root must not matter.
            vm.prank(OPERATOR_B);
            registry.anchorBatch(roots[r], 512, bytes32(0));
            vm.prank(OPERATOR_A);
            registry.anchorBatch(roots[r], 512, bytes32(0));
        }
        address a2 = _addOperator(ISSUER_A, 0xA2A2);
        address b2 = _addOperator(ISSUER_B, 0xB2B2);
        handler = new RegistryHandler(registry, [ISSUER_A, ISSUER_B], [[OPERATOR_A, a2], [OPERATOR_B, b2]], roots);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// What one issuer's account or keys do never changes the other issuer's batches; strangers change nothing.
    function invariant_noCrossIssuerEffects() public view {
        assertFalse(handler.crossIssuerEffect(), "an action changed another issuer's state");
    }

    /// A final revocation (by the issuer's account, or an operator key's past the delay) never clears.
    function invariant_finalRevocationsStayFinal() public view {
        address[2] memory issuers = [ISSUER_A, ISSUER_B];
        uint256[] memory words = new uint256[](2);
        words[1] = 1;
        for (uint256 s = 0; s < 2; ++s) {
            for (uint256 r = 0; r < roots.length; ++r) {
                ICredentialRegistry.StatusWord[] memory w = registry.statusWords(issuers[s], roots[r], words);
                for (uint256 i = 0; i < 2; ++i) {
                    uint256 seen = handler.finalSeen(issuers[s], roots[r], i);
                    assertEq(w[i].revoked & seen, seen, "a final revocation cleared");
                }
                if (handler.batchFinalSeen(issuers[s], roots[r])) {
                    assertTrue(registry.batchOf(issuers[s], roots[r]).status == ICredentialRegistry.BatchStatus.Revoked, "batch");
                }
            }
        }
    }

    /// An anchored batch's record (anchoring key, time, size) changes only when the issuer has
    /// declared its anchoring key compromised since a time at or before that anchoring.
    function invariant_batchesNeverOverwritten() public view {
        assertFalse(handler.illegitimateOverwrite(), "a batch was overwritten");
    }
}
