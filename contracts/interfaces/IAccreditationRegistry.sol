// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @title IAccreditationRegistry
 * @notice Who may issue credentials, and since when. A quality-assurance agency holding the
 * ACCREDITOR role accredits an issuer (an institution) up to an EQF level for a validity window,
 * under a profile (the digest of its name and country), and may later suspend, reinstate or
 * withdraw that accreditation with effect from a timestamp. Governance (the default admin, behind
 * a two-step transfer with a delay) may hand an issuer over to another accreditor. Each issuer
 * manages its own operator keys, the hot keys that anchor and revoke batches; a key joins only
 * with its own EIP-712 consent, and an issuer can declare a key compromised since a time.
 *
 * Every change is appended to a strictly ordered history (no two changes share an effective
 * time, and none is ever overwritten), so that "was issuer X accredited at time T, by whom,
 * under which name" can be answered for any past T, by binary search. No personal data is
 * stored: the institution's profile lives off chain and only its digest is recorded.
 */
interface IAccreditationRegistry {
    /// @notice Lifecycle of an accreditation. `None` means the issuer was never accredited.
    enum AccreditationStatus {
        None,
        Active,
        Suspended,
        Withdrawn
    }

    /// @notice An accreditation as it stood from `effectiveFrom` on.
    struct Accreditation {
        AccreditationStatus status;
        uint8 maxEqfLevel;
        uint40 validFrom;
        uint40 validUntil;
        uint48 effectiveFrom;
        /// The accreditor responsible for the issuer from `effectiveFrom` on.
        address accreditor;
        /// keccak256 of the issuer's profile (RFC 8785 JSON `{country, name}`) in force then.
        bytes32 profileDigest;
    }

    /// @notice Tenure of an operator key. `removedAt` is 0 while the key is current.
    struct OperatorKey {
        address issuer;
        uint40 addedAt;
        uint40 removedAt;
        /// When the issuer declared the key compromised from (0: never declared).
        uint40 compromisedSince;
    }

    /// @dev The issuer address is the zero address, or is an operator key.
    error InvalidIssuer(address issuer);
    /// @dev The EQF level is outside 1..8.
    error InvalidEqfLevel(uint8 level);
    /// @dev The validity window is empty or already over.
    error InvalidValidityWindow(uint40 validFrom, uint40 validUntil);
    /// @dev The issuer has never been accredited.
    error UnknownIssuer(address issuer);
    /// @dev The caller is neither the issuer's accreditor (holding ACCREDITOR_ROLE) nor the governance admin.
    error NotIssuerAccreditor(address issuer, address caller);
    /// @dev The new accreditor does not hold ACCREDITOR_ROLE.
    error NotAnAccreditor(address account);
    /// @dev The requested status change is not allowed from the current status.
    error InvalidStatusTransition(address issuer, AccreditationStatus from, AccreditationStatus to);
    /// @dev A status change may take effect now or retroactively, never in the future.
    error EffectiveTimeInFuture(uint48 effectiveFrom, uint48 currentTime);
    /// @dev History is append-only and strictly ordered: a change must take effect after the latest one.
    error EffectiveTimeNotAfterLastChange(uint48 effectiveFrom, uint48 lastChange);
    /// @dev The operator key is the zero address, the issuer itself, or an issuer.
    error InvalidOperator(address key);
    /// @dev Operator keys are single-use: a key that was ever added (to any issuer) cannot be added again.
    error OperatorKeyAlreadyUsed(address key);
    /// @dev The key's consent signature is not valid for (issuer, key, deadline).
    error InvalidOperatorConsent(address key);
    /// @dev The key's consent expired at `deadline`.
    error OperatorConsentExpired(address key, uint256 deadline);
    /// @dev The key is not a current operator of the issuer.
    error NotOperatorOf(address issuer, address key);
    /// @dev The key was never an operator of the issuer.
    error NeverOperatorOf(address issuer, address key);
    /// @dev The key was already declared compromised.
    error AlreadyCompromised(address key, uint40 since);
    /// @dev A compromise cannot date from before the key was added, nor from the future.
    error InvalidCompromiseTime(address key, uint40 since);
    /// @dev The caller is not a current operator key of any issuer.
    error NotOperator(address caller);
    /// @dev The caller is neither an issuer nor a current operator key of one.
    error NotIssuerOrOperator(address caller);
    /// @dev Only an issuer's own account may do this (not an operator key).
    error OnlyIssuerAccount(address caller);
    /// @dev The caller's issuer is not accredited right now.
    error IssuerNotAccredited(address issuer);
    /// @dev The issuer already has the maximum number of current operator keys.
    error TooManyOperators(address issuer, uint256 max);
    /// @dev The revocation delay is outside [MIN_REVOCATION_DELAY, MAX_REVOCATION_DELAY].
    error InvalidRevocationDelay(uint32 delay);

    /// @notice `issuer` was accredited (or re-accredited) by `accreditor`, effective immediately.
    event IssuerAccredited(
        address indexed issuer,
        address indexed accreditor,
        bytes32 profileDigest,
        uint8 maxEqfLevel,
        uint40 validFrom,
        uint40 validUntil
    );
    /// @notice The accreditation of `issuer` was suspended with effect from `effectiveFrom`.
    event AccreditationSuspended(address indexed issuer, address indexed accreditor, uint48 effectiveFrom);
    /// @notice The accreditation of `issuer` was reinstated with effect from `effectiveFrom`.
    event AccreditationReinstated(address indexed issuer, address indexed accreditor, uint48 effectiveFrom);
    /// @notice The accreditation of `issuer` was withdrawn with effect from `effectiveFrom`.
    event AccreditationWithdrawn(address indexed issuer, address indexed accreditor, uint48 effectiveFrom);
    /// @notice Governance handed `issuer` over from accreditor `from` to accreditor `to`, effective now.
    event IssuerTransferred(address indexed issuer, address indexed from, address indexed to);
    /// @notice `issuer` added `key` as an operator, with the key's consent.
    event OperatorAdded(address indexed issuer, address indexed key);
    /// @notice `issuer` removed `key`; the key can never be added again.
    event OperatorRemoved(address indexed issuer, address indexed key);
    /// @notice `issuer` declared `key` compromised since `since`: what the key anchored or left
    /// pending from then on no longer counts.
    event OperatorCompromised(address indexed issuer, address indexed key, uint40 since);
    /// @notice `issuer` set the delay after which its operator keys' revocations become final.
    event RevocationDelaySet(address indexed issuer, uint32 delay);

    /**
     * @notice Accredits `issuer` (or renews its accreditation) with effect from now.
     * @dev Only ACCREDITOR_ROLE. A renewal must come from the issuer's accreditor or the admin
     * (holding the role too). Reverts if a change already took effect in this second.
     * @param issuer The institution's address (its governance key, which manages operator keys).
     * @param profileDigest keccak256 of the institution's off-chain profile (RFC 8785 JSON `{country, name}`).
     * @param maxEqfLevel The highest EQF level (1..8) the issuer may award.
     * @param validFrom Start of the accreditation window (unix seconds).
     * @param validUntil End of the accreditation window, exclusive (unix seconds).
     */
    function accredit(
        address issuer,
        bytes32 profileDigest,
        uint8 maxEqfLevel,
        uint40 validFrom,
        uint40 validUntil
    ) external;

    /**
     * @notice Suspends the accreditation of `issuer` with effect from `effectiveFrom` (now or past).
     * @dev Only the issuer's accreditor (still holding ACCREDITOR_ROLE) or the admin. Active -> Suspended.
     * `effectiveFrom` must be after the issuer's latest change.
     */
    function suspend(address issuer, uint48 effectiveFrom) external;

    /**
     * @notice Reinstates a suspended accreditation with effect from `effectiveFrom` (now or past).
     * @dev Only the issuer's accreditor (still holding ACCREDITOR_ROLE) or the admin. Suspended -> Active.
     */
    function reinstate(address issuer, uint48 effectiveFrom) external;

    /**
     * @notice Withdraws the accreditation of `issuer` with effect from `effectiveFrom` (now or past).
     * @dev Only the issuer's accreditor (still holding ACCREDITOR_ROLE) or the admin.
     * Active|Suspended -> Withdrawn. Credentials anchored at or after `effectiveFrom` are no
     * longer backed by an accreditation.
     */
    function withdraw(address issuer, uint48 effectiveFrom) external;

    /**
     * @notice Hands `issuer` over to `newAccreditor`, effective now; earlier history keeps its accreditor.
     * @dev Only the governance admin. `newAccreditor` must hold ACCREDITOR_ROLE.
     */
    function transferIssuer(address issuer, address newAccreditor) external;

    /**
     * @notice Adds `key` as an operator of the calling issuer. The key consents by signing the
     * EIP-712 message `OperatorConsent(address issuer,address key,uint256 deadline)` of this
     * contract's domain (ERC-1271 for contract keys), so no issuer can claim another's key.
     * @dev The caller must have been accredited at some time. Keys are single-use.
     */
    function addOperator(address key, uint256 deadline, bytes calldata signature) external;

    /**
     * @notice Removes `key` from the calling issuer's operators (key rotation). Credentials the key
     * anchored before its removal are unaffected.
     */
    function removeOperator(address key) external;

    /**
     * @notice Declares `key`, a current or past operator of the calling issuer, compromised since
     * `since` (not before the key was added, not in the future), and removes it if current. From
     * then on, the batches the key anchored at or after `since` fail verification (the
     * registry's views report it), and every revocation the issuer's operator keys made at or after
     * `since` that was not yet final is void (pending revocations are attributed per word of 256
     * credentials, so the declaration voids them whichever key made them; the issuer re-sends the
     * legitimate ones). Suspensions are for the issuer to lift. Cannot be undone.
     */
    function declareOperatorCompromised(address key, uint40 since) external;

    /**
     * @notice Sets the delay after which a revocation by one of the calling issuer's operator keys
     * becomes final (until then the issuer can cancel it). Applies to pending revocations too.
     */
    function setRevocationDelay(uint32 delay) external;

    /// @notice The accreditation of `issuer` as it stood at time `timestamp` (status None if never accredited by then).
    function accreditationAt(address issuer, uint48 timestamp) external view returns (Accreditation memory);

    /// @notice Whether `issuer` was accredited (Active and inside its validity window) at time `timestamp`.
    function isAccredited(address issuer, uint48 timestamp) external view returns (bool);

    /// @notice Number of recorded accreditation changes of `issuer`.
    function accreditationHistoryLength(address issuer) external view returns (uint256);

    /// @notice The issuer's current profile digest and the accreditor responsible for it.
    function issuerProfile(address issuer) external view returns (bytes32 profileDigest, address accreditor);

    /// @notice Whether `key` was an operator of `issuer` at time `timestamp`.
    function isOperator(address issuer, address key, uint48 timestamp) external view returns (bool);

    /// @notice The issuer and tenure of `key` (issuer is zero if the key was never an operator).
    function operatorKey(address key) external view returns (OperatorKey memory);

    /// @notice The issuer's current operator keys.
    function operatorsOf(address issuer) external view returns (address[] memory);

    /// @notice The delay after which the issuer's operator keys' revocations become final.
    function revocationDelayOf(address issuer) external view returns (uint32);

    /// @notice The EIP-712 digest `key` signs to consent to operate for `issuer` until `deadline`.
    function operatorConsentDigest(address issuer, address key, uint256 deadline) external view returns (bytes32);
}
