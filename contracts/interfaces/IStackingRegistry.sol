// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICredentialRegistry} from "./ICredentialRegistry.sol";

/**
 * @title IStackingRegistry
 * @notice Pathways and their awards on chain (docs/spec.md §13): an accredited issuer registers a
 * pathway's on-chain rules with the digest of its off-chain definition (`credstack-pathway/1`);
 * a holder — or anyone relaying the holder's EIP-712 signature — claims it with the components'
 * public leaf fields and Merkle proofs. Every component is checked through the registry's safe
 * view (anchored, proof, in range, anchoring key, issuer accredited at anchoring up to its EQF
 * level, batch and credential neither revoked nor suspended, holder = the claimant) before the
 * rules are enforced; the award is recorded once per holder and pathway and announced with the
 * component leaves.
 *
 * The on-chain rules are the part of a pathway a contract can check from leaf fields: total
 * credits, a minimum EQF level per component, listed achievements (each optionally bound to its
 * issuer) in n-of groups, an issuer allow-list, a minimum number of distinct issuers and a recency
 * window on the award dates. Learning outcomes, grades, order and level shares are not in leaves:
 * the SDK's evaluation enforces them, and the definition digest names the whole rule set.
 */
interface IStackingRegistry {
    /// @notice `requiredNumber` of the listed achievements whose bits are set in `members` (bit i = entry i).
    struct Group {
        uint8 requiredNumber;
        uint256 members;
    }

    /**
     * @notice The lists of a pathway, committed on chain by their hash (calldata costs less than
     * reading them from storage).
     * @param issuers Allowed issuers, strictly ascending; empty: any accredited issuer.
     * @param achievementIds Listed achievements (at most 255, distinct).
     * @param achievementIssuers For each listed achievement, the only issuer it counts from (zero:
     * any issuer the allow-list admits).
     * @param groups Conditions over the listed achievements, all of which must hold.
     */
    struct PathwayLists {
        address[] issuers;
        bytes32[] achievementIds;
        address[] achievementIssuers;
        Group[] groups;
    }

    /**
     * @notice The lists as a claim sends them: without the listed achievement ids, which open the
     * claim's achievement table (sending them twice would cost ~1,300 gas each on osaka).
     */
    struct ClaimLists {
        address[] issuers;
        address[] achievementIssuers;
        Group[] groups;
    }

    /// @notice The scalar rules of a pathway.
    struct PathwayRules {
        /// Digest of the off-chain definition: keccak256 of its JCS form.
        bytes32 definitionDigest;
        /// Total credits of the counted components, in hundredths of ECTS.
        uint32 minCreditsCenti;
        /// Minimum EQF level of every component (0: none).
        uint8 minEqfLevel;
        /// Minimum number of distinct issuers among the components (0 or 1: none).
        uint8 minDistinctIssuers;
        /// Greatest age of a component's award date when claimed, in seconds (0: none).
        uint32 maxAgeSeconds;
        /// Fewest and most components whose achievement is not listed (the definition's open slots):
        /// an unlisted component counts only where an open slot takes it.
        uint8 minUnlisted;
        uint8 maxUnlisted;
        /// Whether a component counted here is locked against every other exclusive pathway.
        bool exclusive;
    }

    /// @notice A registered pathway.
    struct Pathway {
        PathwayRules rules;
        bytes32 listsHash;
        uint40 registeredAt;
        bool retired;
    }

    /// @notice What a holder signs so that someone else may submit the claim (EIP-712).
    struct Claim {
        address issuer;
        bytes32 pathwayId;
        address holder;
        uint256 deadline;
    }

    /// @notice The caller is not an issuer accredited now.
    error NotAccreditedIssuer(address caller);
    /// @notice The issuer already registered a pathway with this id (a new version is a new id).
    error PathwayAlreadyRegistered(address issuer, bytes32 pathwayId);
    /// @notice No such pathway.
    error UnknownPathway(address issuer, bytes32 pathwayId);
    /// @notice The pathway was retired by its issuer.
    error PathwayIsRetired(address issuer, bytes32 pathwayId);
    /// @notice The rules or lists are inconsistent; `reason` names the field.
    error InvalidPathway(string reason);
    /// @notice The lists sent with a claim are not the registered ones.
    error ListsMismatch(bytes32 expected, bytes32 actual);
    /// @notice The holder was already awarded this pathway.
    error AlreadyAwarded(address issuer, bytes32 pathwayId, address holder);
    /// @notice A claim carries no component.
    error NoComponents();
    /// @notice Component `i` did not pass the registry's safe check.
    error ComponentInvalid(uint256 i, ICredentialRegistry.CredentialState state);
    /// @notice Component `i` repeats an achievement (or a component) already counted in this claim.
    error AchievementRepeated(uint256 i);
    /// @notice The claim's issuer table must be strictly ascending; entry `i` is not.
    error IssuerTableNotAscending(uint256 i);
    /// @notice The claim's achievement table entry `i` is not the listed one, or an unlisted one
    /// that is listed, repeated or out of order.
    error AchievementTableMismatch(uint256 i);
    /// @notice Component `i` fills listed achievement `listed`, which the pathway binds to another issuer.
    error WrongIssuerForAchievement(uint256 i, uint256 listed);
    /// @notice `issuer` is not on the pathway's allow-list.
    error IssuerNotAllowed(address issuer);
    /// @notice Component `i` is below the pathway's minimum EQF level.
    error LevelTooLow(uint256 i, uint8 eqfLevel, uint8 minEqfLevel);
    /// @notice Component `i` was awarded in the future or longer ago than the pathway's window.
    error OutsideWindow(uint256 i, uint40 awardedAt);
    /// @notice Group `g` is not met: `have` of `need` of its achievements.
    error GroupUnmet(uint256 g, uint256 have, uint256 need);
    /// @notice The components add up to `have` hundredths of ECTS, below `need`.
    error TooFewCredits(uint256 have, uint256 need);
    /// @notice The components come from `have` distinct issuers, below `need`.
    error TooFewInstitutions(uint256 have, uint256 need);
    /// @notice Component `i` is already counted by another exclusive pathway.
    error ComponentLocked(uint256 i);
    /// @notice The holder's signature is invalid (another signer, other components or lists, or a
    /// nonce the holder has since moved past).
    error InvalidHolderSignature(address holder);
    /// @notice The holder's signed claim expired.
    error ClaimExpired(uint256 deadline);
    /// @notice The claim has `have` unlisted components; the pathway's open slots take `min` to `max`.
    error UnlistedOutOfBounds(uint256 have, uint256 min, uint256 max);
    /// @notice The pathway's awarding issuer is not accredited now: it awards nothing.
    error AwardingIssuerNotAccredited(address issuer);

    /// @notice `issuer` registered pathway `pathwayId` with these rules and lists.
    event PathwayRegistered(
        address indexed issuer,
        bytes32 indexed pathwayId,
        bytes32 definitionDigest,
        PathwayRules rules,
        PathwayLists lists
    );
    /// @notice `issuer` retired pathway `pathwayId`: no claim succeeds from now on; awards stand.
    event PathwayRetired(address indexed issuer, bytes32 indexed pathwayId);
    /// @notice `holder` voided every claim it signed before: the next signature uses nonce `nonce`.
    event SignedClaimsInvalidated(address indexed holder, uint256 nonce);
    /// @notice `holder` was awarded pathway `pathwayId` of `issuer` for the components with these leaves.
    event PathwayAwarded(
        address indexed issuer,
        bytes32 indexed pathwayId,
        address indexed holder,
        address submitter,
        bytes32[] leaves
    );

    /**
     * @notice Registers pathway `pathwayId` of the caller, an issuer accredited now. The id is the
     * SDK's `pathwayIdOf(definition)` (keccak256 of the UTF-8 of its id, an at sign and its version); ids are per issuer, so no one
     * can take another issuer's. Immutable once registered: a new version is a new id.
     */
    function registerPathway(bytes32 pathwayId, PathwayRules calldata rules, PathwayLists calldata lists) external;

    /// @notice Retires a pathway of the caller: later claims fail; awards made stand.
    function retirePathway(bytes32 pathwayId) external;

    /**
     * @notice Claims the award of a pathway for `claim.holder` with the components in `packed`
     * ({PackedCredentials}; every leaf is recomputed with the holder), whose achievement table opens
     * with the pathway's listed achievement ids (the lists' hash covers them). The caller is the holder, or
     * anyone with the holder's EIP-712 signature of `claim` and the component leaves
     * (see {claimDigest}); ERC-1271 contract wallets sign too. Reverts with the first reason the
     * claim fails.
     */
    function claim(
        Claim calldata claim,
        ClaimLists calldata lists,
        bytes calldata packed,
        bytes calldata signature
    ) external;

    /**
     * @notice The EIP-712 digest a holder signs now:
     * `StackClaim(address issuer,bytes32 pathwayId,address holder,bytes32 leavesHash,uint256 nonce,uint256 deadline)`
     * with the holder's current {nonceOf}.
     */
    function claimDigest(Claim calldata claim, bytes32 leavesHash) external view returns (bytes32);

    /// @notice Voids every claim the caller signed and nobody submitted yet (a lost or regretted signature).
    function invalidateSignedClaims() external;

    /// @notice The nonce a holder's next signed claim must carry.
    function nonceOf(address holder) external view returns (uint256);

    /// @notice The pathway `pathwayId` of `issuer` (`registeredAt` zero if none).
    function pathwayOf(address issuer, bytes32 pathwayId) external view returns (Pathway memory);

    /// @notice keccak256 of the award's component leaves (packed, in claim order), zero if not awarded.
    function awardOf(address issuer, bytes32 pathwayId, address holder) external view returns (bytes32 leavesHash);

    /**
     * @notice Whether the credential of `issuer` with digest `credentialDigest` is counted by an
     * exclusive pathway (keyed by the credential, not its batch position: anchoring it again in another
     * batch does not free it).
     */
    function isLocked(address issuer, bytes32 credentialDigest) external view returns (bool);

    /// @notice The hash a claim's lists must match: keccak256(abi.encode(lists)).
    function listsHashOf(PathwayLists calldata lists) external pure returns (bytes32);

    /// @notice The credential registry every component is checked against.
    function registry() external view returns (ICredentialRegistry);
}
