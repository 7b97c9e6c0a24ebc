// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @title IAccreditationRegistry
 * @notice Who may issue credentials, and since when. A quality-assurance agency holding the
 * ACCREDITOR role accredits an issuer (an institution) up to an EQF level for a validity window,
 * and may later suspend, reinstate or withdraw that accreditation with effect from a timestamp.
 * Each issuer manages its own operator keys, the hot keys that anchor and revoke batches.
 *
 * Every change is kept as a history, so that "was issuer X accredited at time T" and "was key K
 * an operator of X at time T" can be answered for any past T. No personal data is stored: the
 * institution's profile (name, country, website) lives off chain and only its digest is recorded.
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
    }

    /// @notice Tenure of an operator key. `removedAt` is 0 while the key is current.
    struct OperatorKey {
        address issuer;
        uint40 addedAt;
        uint40 removedAt;
    }

    /// @dev The issuer address is the zero address.
    error InvalidIssuer(address issuer);
    /// @dev The EQF level is outside 1..8.
    error InvalidEqfLevel(uint8 level);
    /// @dev The validity window is empty or already over.
    error InvalidValidityWindow(uint40 validFrom, uint40 validUntil);
    /// @dev The issuer has never been accredited.
    error UnknownIssuer(address issuer);
    /// @dev The caller is neither the issuer's accreditor nor a governance admin.
    error NotIssuerAccreditor(address issuer, address caller);
    /// @dev The requested status change is not allowed from the current status.
    error InvalidStatusTransition(address issuer, AccreditationStatus from, AccreditationStatus to);
    /// @dev A status change may take effect now or retroactively, never in the future.
    error EffectiveTimeInFuture(uint48 effectiveFrom, uint48 currentTime);
    /// @dev A status change may not take effect before the issuer's latest recorded change.
    error EffectiveTimeBeforeLastChange(uint48 effectiveFrom, uint48 lastChange);
    /// @dev The operator key is the zero address.
    error InvalidOperator(address key);
    /// @dev Operator keys are single-use: a key that was ever added (to any issuer) cannot be added again.
    error OperatorKeyAlreadyUsed(address key);
    /// @dev The key is not a current operator of the issuer.
    error NotOperatorOf(address issuer, address key);
    /// @dev The caller is not a current operator key of any issuer.
    error NotOperator(address caller);
    /// @dev The caller's issuer is not accredited right now.
    error IssuerNotAccredited(address issuer);
    /// @dev The issuer already has the maximum number of current operator keys.
    error TooManyOperators(address issuer, uint256 max);

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
    /// @notice `issuer` added `key` as an operator.
    event OperatorAdded(address indexed issuer, address indexed key);
    /// @notice `issuer` removed `key`; the key can never be added again.
    event OperatorRemoved(address indexed issuer, address indexed key);

    /**
     * @notice Accredits `issuer` (or renews its accreditation) with effect from now.
     * @dev Only ACCREDITOR_ROLE. A renewal must come from the issuer's accreditor or an admin.
     * @param issuer The institution's address (its governance key, which manages operator keys).
     * @param profileDigest keccak256 of the institution's off-chain profile (name, country, website).
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
     * @dev Only the issuer's accreditor or an admin. Active -> Suspended.
     */
    function suspend(address issuer, uint48 effectiveFrom) external;

    /**
     * @notice Reinstates a suspended accreditation with effect from `effectiveFrom` (now or past).
     * @dev Only the issuer's accreditor or an admin. Suspended -> Active.
     */
    function reinstate(address issuer, uint48 effectiveFrom) external;

    /**
     * @notice Withdraws the accreditation of `issuer` with effect from `effectiveFrom` (now or past).
     * @dev Only the issuer's accreditor or an admin. Active|Suspended -> Withdrawn. Credentials
     * anchored at or after `effectiveFrom` are no longer backed by an accreditation.
     */
    function withdraw(address issuer, uint48 effectiveFrom) external;

    /**
     * @notice Adds `key` as an operator of the calling issuer.
     * @dev The caller must have been accredited at some time. Keys are single-use.
     */
    function addOperator(address key) external;

    /**
     * @notice Removes `key` from the calling issuer's operators (key rotation). Credentials the key
     * anchored before its removal are unaffected.
     */
    function removeOperator(address key) external;

    /// @notice The accreditation of `issuer` as it stood at time `timestamp` (status None if never accredited by then).
    function accreditationAt(address issuer, uint48 timestamp) external view returns (Accreditation memory);

    /// @notice Whether `issuer` was accredited (Active and inside its validity window) at time `timestamp`.
    function isAccredited(address issuer, uint48 timestamp) external view returns (bool);

    /// @notice The issuer's profile digest and the accreditor responsible for it.
    function issuerProfile(address issuer) external view returns (bytes32 profileDigest, address accreditor);

    /// @notice Whether `key` was an operator of `issuer` at time `timestamp`.
    function isOperator(address issuer, address key, uint48 timestamp) external view returns (bool);

    /// @notice The issuer and tenure of `key` (issuer is zero if the key was never an operator).
    function operatorKey(address key) external view returns (OperatorKey memory);

    /// @notice The issuer's current operator keys.
    function operatorsOf(address issuer) external view returns (address[] memory);
}
