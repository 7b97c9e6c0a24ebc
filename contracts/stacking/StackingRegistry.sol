// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IAccreditationRegistry} from "../interfaces/IAccreditationRegistry.sol";
import {ICredentialRegistry} from "../interfaces/ICredentialRegistry.sol";
import {IStackingRegistry} from "../interfaces/IStackingRegistry.sol";
import {PackedCredentials} from "../libraries/PackedCredentials.sol";

/**
 * @title StackingRegistry
 * @notice Pathways registered by accredited issuers and awarded to holders whose components pass
 * the credential registry's safe check and the pathway's rules (see {IStackingRegistry}).
 *
 * @dev Per component, a claim costs its calldata (~3,000 EIP-7623 tokens at depth 20), the
 * registry's cold reads of its batch and status word, and hashing; no storage is written per
 * component unless the pathway is exclusive. Repeats are caught in memory: each achievement of the
 * claim's table counts once, and a component is its achievement. The pathway's lists travel with
 * the claim and are checked against their registered hash, which costs less than reading them.
 */
contract StackingRegistry is EIP712, IStackingRegistry {
    /// @dev The EIP-712 type a holder signs to let someone else submit a claim.
    bytes32 public constant STACK_CLAIM_TYPEHASH =
        keccak256("StackClaim(address issuer,bytes32 pathwayId,address holder,bytes32 leavesHash,uint256 nonce,uint256 deadline)");

    /// @notice Most achievements a pathway lists (the claim's table has at most 255 entries).
    uint256 public constant MAX_LISTED = 255;

    struct PathwayState {
        bytes32 definitionDigest;
        bytes32 listsHash;
        uint32 minCreditsCenti;
        uint8 minEqfLevel;
        uint8 minDistinctIssuers;
        uint32 maxAgeSeconds;
        uint8 minUnlisted;
        uint8 maxUnlisted;
        bool exclusive;
        uint40 registeredAt;
        bool retired;
    }

    /// @dev What a claim's components add up to.
    struct Tally {
        uint256 credits;
        uint256 achievements;
        uint256 issuers;
        uint256 unlisted;
    }

    ICredentialRegistry private immutable _registry;

    mapping(address issuer => mapping(bytes32 pathwayId => PathwayState)) private _pathways;
    mapping(address issuer => mapping(bytes32 pathwayId => mapping(address holder => bytes32 leavesHash))) private _awards;
    /// keccak256(issuer, credentialDigest) => the exclusive pathway (keccak256(issuer, pathwayId)) counting it
    mapping(bytes32 credential => bytes32 pathway) private _locks;
    mapping(address holder => uint256) private _nonces;

    /// @param registry_ The credential registry whose safe check every component passes.
    constructor(ICredentialRegistry registry_) EIP712("credstack-stacking", "1") {
        _registry = registry_;
    }

    // ------------------------------------------------------------------ pathways

    /// @inheritdoc IStackingRegistry
    function registerPathway(bytes32 pathwayId, PathwayRules calldata rules, PathwayLists calldata lists) external {
        address issuer = msg.sender;
        if (!IAccreditationRegistry(address(_registry)).isAccredited(issuer, uint48(block.timestamp))) revert NotAccreditedIssuer(issuer);
        if (pathwayId == bytes32(0)) revert InvalidPathway("pathwayId");
        PathwayState storage p = _pathways[issuer][pathwayId];
        if (p.registeredAt != 0) revert PathwayAlreadyRegistered(issuer, pathwayId);
        _validate(rules, lists);
        p.definitionDigest = rules.definitionDigest;
        p.listsHash = keccak256(abi.encode(lists));
        p.minCreditsCenti = rules.minCreditsCenti;
        p.minEqfLevel = rules.minEqfLevel;
        p.minDistinctIssuers = rules.minDistinctIssuers;
        p.maxAgeSeconds = rules.maxAgeSeconds;
        p.minUnlisted = rules.minUnlisted;
        p.maxUnlisted = rules.maxUnlisted;
        p.exclusive = rules.exclusive;
        p.registeredAt = uint40(block.timestamp);
        emit PathwayRegistered(issuer, pathwayId, rules.definitionDigest, rules, lists);
    }

    /// @inheritdoc IStackingRegistry
    function retirePathway(bytes32 pathwayId) external {
        PathwayState storage p = _pathways[msg.sender][pathwayId];
        if (p.registeredAt == 0) revert UnknownPathway(msg.sender, pathwayId);
        if (p.retired) revert PathwayIsRetired(msg.sender, pathwayId);
        p.retired = true;
        emit PathwayRetired(msg.sender, pathwayId);
    }

    // ------------------------------------------------------------------ claims

    /// @inheritdoc IStackingRegistry
    function claim(
        Claim calldata c,
        ClaimLists calldata lists,
        bytes calldata packed,
        bytes calldata signature
    ) external {
        PathwayState storage p = _claimable(c);
        PackedCredentials.Header memory h = PackedCredentials.header(packed);
        bytes32 listsHash = _claimListsHash(lists, h);
        if (listsHash != p.listsHash) revert ListsMismatch(p.listsHash, listsHash);

        (ICredentialRegistry.CredentialState[] memory states, bytes32[] memory leaves) = _registry.checkCredentials(
            c.holder,
            packed
        );
        if (leaves.length == 0) revert NoComponents();
        for (uint256 i = 0; i < states.length; ++i) {
            if (states[i] != ICredentialRegistry.CredentialState.Valid) revert ComponentInvalid(i, states[i]);
        }
        bytes32 leavesHash = _hashLeaves(leaves);
        if (msg.sender != c.holder) _checkSignature(c, leavesHash, signature);

        _enforce(p, c, lists, h);
        _awards[c.issuer][c.pathwayId][c.holder] = leavesHash;
        emit PathwayAwarded(c.issuer, c.pathwayId, c.holder, msg.sender, leaves);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IStackingRegistry
    function claimDigest(Claim calldata c, bytes32 leavesHash) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(STACK_CLAIM_TYPEHASH, c.issuer, c.pathwayId, c.holder, leavesHash, _nonces[c.holder], c.deadline))
        );
    }

    /// @inheritdoc IStackingRegistry
    function invalidateSignedClaims() external {
        uint256 nonce = ++_nonces[msg.sender];
        emit SignedClaimsInvalidated(msg.sender, nonce);
    }

    /// @inheritdoc IStackingRegistry
    function nonceOf(address holder) external view returns (uint256) {
        return _nonces[holder];
    }

    /// @inheritdoc IStackingRegistry
    function pathwayOf(address issuer, bytes32 pathwayId) external view returns (Pathway memory pathway) {
        PathwayState storage p = _pathways[issuer][pathwayId];
        pathway.rules = PathwayRules({
            definitionDigest: p.definitionDigest,
            minCreditsCenti: p.minCreditsCenti,
            minEqfLevel: p.minEqfLevel,
            minDistinctIssuers: p.minDistinctIssuers,
            maxAgeSeconds: p.maxAgeSeconds,
            minUnlisted: p.minUnlisted,
            maxUnlisted: p.maxUnlisted,
            exclusive: p.exclusive
        });
        pathway.listsHash = p.listsHash;
        pathway.registeredAt = p.registeredAt;
        pathway.retired = p.retired;
    }

    /// @inheritdoc IStackingRegistry
    function awardOf(address issuer, bytes32 pathwayId, address holder) external view returns (bytes32) {
        return _awards[issuer][pathwayId][holder];
    }

    /// @inheritdoc IStackingRegistry
    function isLocked(address issuer, bytes32 credentialDigest) external view returns (bool) {
        return _locks[keccak256(abi.encode(issuer, credentialDigest))] != bytes32(0);
    }

    /// @inheritdoc IStackingRegistry
    function listsHashOf(PathwayLists calldata lists) external pure returns (bytes32) {
        return keccak256(abi.encode(lists));
    }

    /// @inheritdoc IStackingRegistry
    function registry() external view returns (ICredentialRegistry) {
        return _registry;
    }

    // ------------------------------------------------------------------ internal

    /// @dev The pathway a claim is for: registered, not retired, its issuer accredited now, not yet awarded to the holder.
    function _claimable(Claim calldata c) private view returns (PathwayState storage p) {
        p = _pathways[c.issuer][c.pathwayId];
        if (p.registeredAt == 0) revert UnknownPathway(c.issuer, c.pathwayId);
        if (p.retired) revert PathwayIsRetired(c.issuer, c.pathwayId);
        if (!IAccreditationRegistry(address(_registry)).isAccredited(c.issuer, uint48(block.timestamp))) {
            revert AwardingIssuerNotAccredited(c.issuer);
        }
        if (_awards[c.issuer][c.pathwayId][c.holder] != bytes32(0)) revert AlreadyAwarded(c.issuer, c.pathwayId, c.holder);
    }

    /// @dev The rules of a claim, in order: tables, then per component, then totals and groups.
    function _enforce(PathwayState storage p, Claim calldata c, ClaimLists calldata lists, PackedCredentials.Header memory h)
        private
    {
        _checkTables(h, lists);
        Tally memory t = _tally(p, h, lists, keccak256(abi.encode(c.issuer, c.pathwayId)));
        if (t.unlisted < p.minUnlisted || t.unlisted > p.maxUnlisted) {
            revert UnlistedOutOfBounds(t.unlisted, p.minUnlisted, p.maxUnlisted);
        }
        Group[] calldata groups = lists.groups;
        for (uint256 g = 0; g < groups.length; ++g) {
            uint256 have = _popcount(t.achievements & groups[g].members);
            if (have < groups[g].requiredNumber) revert GroupUnmet(g, have, groups[g].requiredNumber);
        }
        if (t.credits < p.minCreditsCenti) revert TooFewCredits(t.credits, p.minCreditsCenti);
        uint256 distinct = _popcount(t.issuers);
        if (distinct < p.minDistinctIssuers) revert TooFewInstitutions(distinct, p.minDistinctIssuers);
    }

    /// @dev Adds up the components, checking each: repeats, bound issuers, level, window, locks.
    function _tally(PathwayState storage p, PackedCredentials.Header memory h, ClaimLists calldata lists, bytes32 pathwayKey)
        private
        returns (Tally memory t)
    {
        uint256 minEqf = p.minEqfLevel;
        uint256 maxAge = p.maxAgeSeconds;
        bool exclusive = p.exclusive;
        uint256 listed = lists.achievementIssuers.length;
        PackedCredentials.Credential memory c;
        uint256 pos = h.first;
        for (uint256 i = 0; i < h.count; ++i) {
            PackedCredentials.readChecked(pos, c); // the registry checked these very bytes in this call
            pos = c.next;
            uint256 bit = 1 << c.achievementIndex;
            if (t.achievements & bit != 0) revert AchievementRepeated(i);
            t.achievements |= bit;
            t.issuers |= 1 << c.issuerIndex;
            t.credits += c.creditsCenti;
            if (c.achievementIndex < listed) {
                address bound = lists.achievementIssuers[c.achievementIndex];
                if (bound != address(0) && bound != PackedCredentials.issuerAt(h, c.issuerIndex)) {
                    revert WrongIssuerForAchievement(i, c.achievementIndex);
                }
            } else {
                ++t.unlisted;
            }
            if (c.eqfLevel < minEqf) revert LevelTooLow(i, uint8(c.eqfLevel), uint8(minEqf));
            if (c.awardedAt > block.timestamp || (maxAge != 0 && c.awardedAt + maxAge < block.timestamp)) {
                revert OutsideWindow(i, uint40(c.awardedAt));
            }
            if (exclusive) _lock(PackedCredentials.issuerAt(h, c.issuerIndex), c.credentialDigest, i, pathwayKey);
        }
    }

    /**
     * @dev The claim's tables: issuers strictly ascending (so each counts once) and allowed; after
     * the listed achievements (covered by the lists' hash), any further ones strictly ascending and
     * unlisted (so an achievement cannot pass as unlisted to count twice).
     */
    function _checkTables(PackedCredentials.Header memory h, ClaimLists calldata lists) private pure {
        address[] calldata allowed = lists.issuers;
        address previous;
        for (uint256 i = 0; i < h.issuerCount; ++i) {
            address issuer = PackedCredentials.issuerAt(h, i);
            if (i > 0 && issuer <= previous) revert IssuerTableNotAscending(i);
            previous = issuer;
            if (allowed.length != 0 && !_contains(allowed, issuer)) revert IssuerNotAllowed(issuer);
        }
        uint256 m = lists.achievementIssuers.length;
        bytes32 last;
        for (uint256 i = m; i < h.achievementCount; ++i) {
            bytes32 id = PackedCredentials.achievementAt(h, i);
            if (i > m && id <= last) revert AchievementTableMismatch(i);
            for (uint256 j = 0; j < m; ++j) if (PackedCredentials.achievementAt(h, j) == id) revert AchievementTableMismatch(i);
            last = id;
        }
    }

    /// @dev The hash of the registered lists a claim stands for: its lists with the ids that open its table.
    function _claimListsHash(ClaimLists calldata lists, PackedCredentials.Header memory h) private pure returns (bytes32) {
        uint256 m = lists.achievementIssuers.length;
        if (h.achievementCount < m) revert AchievementTableMismatch(h.achievementCount);
        bytes32[] memory ids = new bytes32[](m);
        for (uint256 i = 0; i < m; ++i) ids[i] = PackedCredentials.achievementAt(h, i);
        return keccak256(abi.encode(PathwayLists(lists.issuers, ids, lists.achievementIssuers, lists.groups)));
    }

    /// @dev Locks the credential of `issuer` with `credentialDigest` for this exclusive pathway.
    function _lock(address issuer, bytes32 credentialDigest, uint256 i, bytes32 pathwayKey) private {
        bytes32 key = keccak256(abi.encode(issuer, credentialDigest));
        if (_locks[key] != bytes32(0)) revert ComponentLocked(i);
        _locks[key] = pathwayKey;
    }

    function _checkSignature(Claim calldata c, bytes32 leavesHash, bytes calldata signature) private view {
        if (block.timestamp > c.deadline) revert ClaimExpired(c.deadline);
        if (!SignatureChecker.isValidSignatureNowCalldata(c.holder, claimDigest(c, leavesHash), signature)) {
            revert InvalidHolderSignature(c.holder);
        }
    }

    /// @dev Rules and lists that can be met and say what they mean.
    function _validate(PathwayRules calldata rules, PathwayLists calldata lists) private pure {
        if (rules.definitionDigest == bytes32(0)) revert InvalidPathway("definitionDigest");
        if (rules.minEqfLevel > 8) revert InvalidPathway("minEqfLevel");
        if (rules.minUnlisted > rules.maxUnlisted) revert InvalidPathway("minUnlisted");
        address[] calldata issuers = lists.issuers;
        for (uint256 i = 0; i < issuers.length; ++i) {
            if (issuers[i] == address(0) || (i > 0 && issuers[i] <= issuers[i - 1])) revert InvalidPathway("issuers");
        }
        if (issuers.length != 0 && rules.minDistinctIssuers > issuers.length) revert InvalidPathway("minDistinctIssuers");
        bytes32[] calldata ids = lists.achievementIds;
        uint256 m = ids.length;
        if (m > MAX_LISTED || lists.achievementIssuers.length != m) revert InvalidPathway("achievements");
        for (uint256 i = 0; i < m; ++i) {
            if (ids[i] == bytes32(0)) revert InvalidPathway("achievements");
            address bound = lists.achievementIssuers[i];
            if (bound != address(0) && issuers.length != 0 && !_contains(issuers, bound)) {
                revert InvalidPathway("achievements.issuer");
            }
            for (uint256 j = 0; j < i; ++j) {
                if (ids[j] == ids[i]) revert InvalidPathway("achievements");
            }
        }
        Group[] calldata groups = lists.groups;
        uint256 outside = type(uint256).max << m; // m ≤ 255: bits of achievements not listed
        for (uint256 g = 0; g < groups.length; ++g) {
            uint256 members = groups[g].members;
            uint256 need = groups[g].requiredNumber;
            if (need == 0 || members & outside != 0 || _popcount(members) < need) revert InvalidPathway("groups");
        }
        if (rules.minCreditsCenti == 0 && groups.length == 0 && rules.minUnlisted == 0) revert InvalidPathway("nothing required");
    }

    function _contains(address[] calldata list, address a) private pure returns (bool) {
        for (uint256 i = 0; i < list.length; ++i) if (list[i] == a) return true;
        return false;
    }

    function _hashLeaves(bytes32[] memory leaves) private pure returns (bytes32 h) {
        assembly ("memory-safe") {
            h := keccak256(add(leaves, 0x20), shl(5, mload(leaves)))
        }
    }

    function _popcount(uint256 x) private pure returns (uint256 n) {
        while (x != 0) {
            x &= x - 1;
            ++n;
        }
    }
}
