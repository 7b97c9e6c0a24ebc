// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {StackingFixture} from "./utils/StackingFixture.sol";
import {Component, ComponentPacker} from "./utils/ComponentPacker.sol";
import {Vm} from "./utils/CheatcodeTest.sol";
import {CredentialRegistry} from "../../contracts/registry/CredentialRegistry.sol";
import {StackingRegistry} from "../../contracts/stacking/StackingRegistry.sol";
import {IStackingRegistry} from "../../contracts/interfaces/IStackingRegistry.sol";

/**
 * @dev Random claims — by either holder, of any subset of both holders' components, some tampered,
 * some repeated, to a plain and two exclusive pathways — between revocations, suspensions,
 * reinstatements and time passing. An independent model says which claims must succeed; the
 * invariants say no claim succeeded that the model refuses (wrong proof, revoked or suspended,
 * another holder's, reused, rules unmet) and none failed that it accepts.
 */
contract StackingHandler {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    CredentialRegistry public immutable registry;
    StackingRegistry public immutable stacking;
    address[2] public holders;
    address[2] public issuers;
    address[2] public operators;
    bytes32[3] public pathways;
    bool[3] public exclusive;
    IStackingRegistry.PathwayLists internal _lists;

    Component[] internal _pool;
    /// Which holder (0/1) each pool component belongs to.
    uint256[] internal _owner;
    mapping(uint256 => bool) public revoked;
    mapping(uint256 => bool) public suspended;
    /// Model: awards and exclusive locks.
    mapping(bytes32 => mapping(address => bool)) public awarded;
    mapping(uint256 => bool) public locked;

    uint256 public unsound;
    uint256 public refusedValid;
    uint256 public successes;
    uint256 public calls;
    address private immutable _deployer = msg.sender;

    constructor(
        CredentialRegistry registry_,
        StackingRegistry stacking_,
        address[2] memory holders_,
        address[2] memory issuers_,
        address[2] memory operators_,
        bytes32[3] memory pathways_,
        IStackingRegistry.PathwayLists memory lists
    ) {
        registry = registry_;
        stacking = stacking_;
        holders = holders_;
        issuers = issuers_;
        operators = operators_;
        pathways = pathways_;
        exclusive = [false, true, true];
        _lists.issuers = lists.issuers;
        _lists.achievementIds = lists.achievementIds;
        _lists.achievementIssuers = lists.achievementIssuers;
        for (uint256 i = 0; i < lists.groups.length; ++i) _lists.groups.push(lists.groups[i]);
    }

    /// The test contract fills the pool in setUp; the fuzzer may not.
    function add(Component memory c, uint256 owner) external {
        if (msg.sender != _deployer) return;
        _pool.push(c);
        _owner.push(owner);
    }

    function _one(uint256 index) internal pure returns (uint256[] memory words, uint256[] memory masks) {
        words = new uint256[](1);
        masks = new uint256[](1);
        words[0] = index >> 8;
        masks[0] = uint256(1) << (index & 0xff);
    }

    function revoke(uint256 k) external {
        k %= _pool.length;
        calls++;
        if (revoked[k]) return;
        Component storage c = _pool[k];
        (uint256[] memory w, uint256[] memory m) = _one(c.fields.index);
        vm.prank(c.issuer);
        registry.revokeCredentials(c.root, w, m, 1);
        revoked[k] = true;
    }

    function suspend(uint256 k, bool lift) external {
        k %= _pool.length;
        calls++;
        Component storage c = _pool[k];
        (uint256[] memory w, uint256[] memory m) = _one(c.fields.index);
        vm.prank(c.issuer == issuers[0] ? operators[0] : operators[1]);
        if (lift) registry.reinstateCredentials(c.root, w, m);
        else registry.suspendCredentials(c.root, w, m);
        suspended[k] = !lift;
    }

    function warp(uint256 secs) external {
        calls++;
        vm.warp(block.timestamp + (secs % 400 days));
    }

    /// Claims pathway `p` for holder `h` with the pool components in `mask` (plus a repeat when
    /// `repeat`), one of them tampered when `tamper` says so.
    function claim(uint256 h, uint256 p, uint256 mask, uint256 tamper, bool repeat) external {
        calls++;
        h %= 2;
        p %= 3;
        // Half the claims start from the holder's genuine pair (plus the elective, plus one random
        // pool component now and then), so that claims succeed as well as fail.
        if (mask & 1 == 0) {
            uint256 extra = (mask >> 3) % 4 == 0 ? 1 << ((mask >> 5) % 10) : 0;
            mask = ((3 | ((mask >> 1) & 4)) << (5 * h)) | extra;
        } else {
            mask >>= 1;
        }
        (Component[] memory cs, uint256[] memory ks) = _select(mask, repeat);
        if (cs.length == 0) return;
        bool tampered = tamper % 4 == 0;
        if (tampered) cs[tamper % cs.length].fields.creditsCenti += 1;
        bool expected = !tampered && _modelAccepts(h, p, cs, ks);
        bool ok = _submit(h, p, cs);
        if (ok) {
            successes++;
            if (!expected) unsound++;
            awarded[pathways[p]][holders[h]] = true;
            if (exclusive[p]) for (uint256 i = 0; i < ks.length; ++i) locked[ks[i]] = true;
        } else if (expected) {
            refusedValid++;
        }
    }

    /// Submits the claim as holder `h`; whether it succeeded.
    function _submit(uint256 h, uint256 p, Component[] memory cs) internal returns (bool) {
        IStackingRegistry.Claim memory c = IStackingRegistry.Claim(issuers[0], pathways[p], holders[h], block.timestamp);
        IStackingRegistry.PathwayLists memory lists = _lists;
        bytes memory packed = ComponentPacker.pack(cs, lists);
        IStackingRegistry.ClaimLists memory sent = IStackingRegistry.ClaimLists(lists.issuers, lists.achievementIssuers, lists.groups);
        vm.prank(holders[h]);
        try stacking.claim(c, sent, packed, "") {
            return true;
        } catch {
            return false;
        }
    }

    function _select(uint256 mask, bool repeat) internal view returns (Component[] memory cs, uint256[] memory ks) {
        uint256 n;
        for (uint256 k = 0; k < _pool.length; ++k) if ((mask >> k) & 1 == 1) n++;
        bool rep = repeat && n > 0;
        cs = new Component[](n + (rep ? 1 : 0));
        ks = new uint256[](cs.length);
        uint256 j;
        for (uint256 k = 0; k < _pool.length; ++k) {
            if ((mask >> k) & 1 == 1) {
                cs[j] = _pool[k];
                ks[j++] = k;
            }
        }
        if (rep) {
            cs[n] = cs[0];
            ks[n] = ks[0];
        }
    }

    /// The model: every rule of the pathway, from the handler's own records.
    function _modelAccepts(uint256 h, uint256 p, Component[] memory cs, uint256[] memory ks) internal view returns (bool) {
        if (awarded[pathways[p]][holders[h]]) return false;
        // The awarding issuer must be accredited now (its one-year accreditation lapses as time passes).
        if (!registry.isAccredited(issuers[0], uint48(block.timestamp))) return false;
        uint256 credits;
        uint256 unlisted;
        bool sec;
        bool gdpr;
        bool[2] memory issuerSeen;
        for (uint256 i = 0; i < cs.length; ++i) {
            uint256 k = ks[i];
            if (_owner[k] != h || revoked[k] || suspended[k]) return false;
            if (exclusive[p] && locked[k]) return false;
            for (uint256 j = 0; j < i; ++j) if (cs[j].fields.achievementId == cs[i].fields.achievementId) return false;
            Component memory c = cs[i];
            bool isSec = c.fields.achievementId == _lists.achievementIds[0];
            bool isGdpr = c.fields.achievementId == _lists.achievementIds[1];
            if (isSec && c.issuer != issuers[0]) return false;
            if (isGdpr && c.issuer != issuers[1]) return false;
            if (c.fields.eqfLevel < 6) return false;
            if (c.fields.awardedAt > block.timestamp || c.fields.awardedAt + 5 * 365 days < block.timestamp) return false;
            credits += c.fields.creditsCenti;
            if (!isSec && !isGdpr) unlisted++;
            sec = sec || isSec;
            gdpr = gdpr || isGdpr;
            issuerSeen[c.issuer == issuers[0] ? 0 : 1] = true;
        }
        return sec && gdpr && unlisted <= 1 && credits >= 1000 && issuerSeen[0] && issuerSeen[1];
    }
}

contract StackingInvariantTest is StackingFixture {
    StackingHandler internal handler;

    function setUp() public override {
        super.setUp();
        bytes32[3] memory ids = [PATHWAY, keccak256("exclusive-1"), keccak256("exclusive-2")];
        _register(ids[0], _rules(false), _lists());
        _register(ids[1], _rules(true), _lists());
        _register(ids[2], _rules(true), _lists());
        handler = new StackingHandler(
            registry, stacking, [HOLDER, OTHER], [ISSUER_A, ISSUER_B], [OPERATOR_A, OPERATOR_B], ids, _lists()
        );
        address[2] memory holders = [HOLDER, OTHER];
        for (uint256 h = 0; h < 2; ++h) {
            handler.add(_issue(ISSUER_A, holders[h], ACH_SEC, 500, 6, START), h);
            handler.add(_issue(ISSUER_B, holders[h], ACH_GDPR, 600, 6, START), h);
            handler.add(_issue(ISSUER_A, holders[h], ACH_ELECTIVE, 400, 7, START), h);
            handler.add(_issue(ISSUER_B, holders[h], keccak256("low"), 900, 5, START), h);
            handler.add(_issue(ISSUER_A, holders[h], ACH_GDPR, 600, 6, START), h); // GDPR from the wrong issuer
        }
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// The handler's claims can succeed: the invariants are not vacuous.
    function test_handlerAwards() public {
        handler.claim(0, 0, 0, 1, false);
        handler.claim(1, 1, 8, 1, false);
        assertEq(handler.successes(), 2, "both genuine claims awarded");
        handler.claim(1, 2, 8, 1, false);
        assertEq(handler.successes(), 2, "locked by the other exclusive pathway");
        assertEq(handler.unsound() + handler.refusedValid(), 0, "as modelled");
    }

    /// No claim succeeded that the model refuses.
    function invariant_noUnsoundAward() public view {
        assertEq(handler.unsound(), 0, "claims awarded against the rules");
    }

    /// No claim failed that the model accepts.
    function invariant_noValidClaimRefused() public view {
        assertEq(handler.refusedValid(), 0, "valid claims refused");
    }

    /// The registry's awards are exactly the model's.
    function invariant_awardsAsModelled() public view {
        address[2] memory holders = [HOLDER, OTHER];
        for (uint256 p = 0; p < 3; ++p) {
            for (uint256 h = 0; h < 2; ++h) {
                bytes32 id = handler.pathways(p);
                bool onChain = stacking.awardOf(ISSUER_A, id, holders[h]) != bytes32(0);
                assertTrue(onChain == handler.awarded(id, holders[h]), "award recorded as modelled");
            }
        }
    }
}
