// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IAccreditationRegistry} from "../interfaces/IAccreditationRegistry.sol";

/**
 * @title AccreditationRegistry
 * @notice Who may issue: accreditation of issuers by accreditors, and the operator keys of issuers.
 *
 * @dev Storage is laid out for the anchoring hot path. Each operator key has one "hot" slot holding
 * its issuer and the window in which that issuer may anchor right now (a copy of the issuer's
 * current accreditation window, empty while suspended or withdrawn). A contract anchoring a batch
 * thus authorises the caller with a single cold storage read (see {_requireAnchoringOperator}).
 * The copy is kept in sync on every accreditation change, which touches at most
 * {MAX_OPERATORS} keys.
 *
 * The history of each accreditation is a checkpoint trace keyed by effective time (status, level,
 * window), with a parallel array naming the accreditor and the profile in force from each change
 * on. Changes are strictly ordered: a change with the same effective time as the last one would
 * overwrite it in the trace, so it is refused. Point-in-time queries are binary searches.
 */
abstract contract AccreditationRegistry is AccessControlDefaultAdminRules, EIP712, IAccreditationRegistry {
    using Checkpoints for Checkpoints.Trace208;
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Role of quality-assurance agencies that accredit issuers.
    bytes32 public constant ACCREDITOR_ROLE = keccak256("ACCREDITOR_ROLE");

    /// @notice Most current operator keys an issuer may hold (bounds the cost of accreditation changes).
    uint256 public constant MAX_OPERATORS = 16;

    /// @notice Revocation delay of an issuer that set none.
    uint32 public constant DEFAULT_REVOCATION_DELAY = 7 days;
    uint32 public constant MIN_REVOCATION_DELAY = 1 hours;
    uint32 public constant MAX_REVOCATION_DELAY = 365 days;

    /// @dev The EIP-712 type an operator key signs to consent to operate for an issuer.
    bytes32 public constant OPERATOR_CONSENT_TYPEHASH =
        keccak256("OperatorConsent(address issuer,address key,uint256 deadline)");

    struct IssuerRecord {
        /// The current accreditor (zero: never accredited).
        address accreditor;
        /// Seconds before an operator key's revocation is final (0: DEFAULT_REVOCATION_DELAY).
        uint32 revocationDelay;
        /// effective time => packed status | maxEqf | validFrom | validUntil (see _pack)
        Checkpoints.Trace208 history;
        /// Parallel to `history`: accreditor | profile index << 160
        uint256[] historyMeta;
        /// Profile digests, in the order they were first recorded.
        bytes32[] profiles;
        /// Compromise declarations: since | declaredAt << 40 (see {_pendingVoided}).
        uint256[] compromises;
        EnumerableSet.AddressSet operators;
    }

    mapping(address issuer => IssuerRecord) private _issuers;
    /// @dev The one slot read to authorise an operator key, packed by hand (see _packOperator) so
    /// that it costs exactly one SLOAD: issuer | anchorFrom | anchorUntil | current.
    mapping(address key => uint256 packed) private _operators;
    mapping(address key => OperatorKey) private _tenures;

    /**
     * @param adminDelay Delay of a two-step transfer of the governance admin role (OpenZeppelin
     * AccessControlDefaultAdminRules).
     * @param admin Governance admin: grants and revokes ACCREDITOR_ROLE, hands issuers over.
     */
    constructor(uint48 adminDelay, address admin)
        AccessControlDefaultAdminRules(adminDelay, admin)
        EIP712("credstack", "2")
    {}

    // ------------------------------------------------------------------ accreditor actions

    /// @inheritdoc IAccreditationRegistry
    function accredit(
        address issuer,
        bytes32 profileDigest,
        uint8 maxEqfLevel,
        uint40 validFrom,
        uint40 validUntil
    ) external onlyRole(ACCREDITOR_ROLE) {
        if (issuer == address(0) || _tenures[issuer].addedAt != 0) revert InvalidIssuer(issuer);
        if (maxEqfLevel == 0 || maxEqfLevel > 8) revert InvalidEqfLevel(maxEqfLevel);
        if (validUntil <= validFrom || validUntil <= block.timestamp) revert InvalidValidityWindow(validFrom, validUntil);

        IssuerRecord storage record = _issuers[issuer];
        if (record.accreditor != address(0)) _checkAccreditor(issuer, record);
        record.accreditor = _msgSender();
        _record(
            record,
            Accreditation({
                status: AccreditationStatus.Active,
                maxEqfLevel: maxEqfLevel,
                validFrom: validFrom,
                validUntil: validUntil,
                effectiveFrom: uint48(block.timestamp),
                accreditor: _msgSender(),
                profileDigest: profileDigest
            })
        );
        emit IssuerAccredited(issuer, _msgSender(), profileDigest, maxEqfLevel, validFrom, validUntil);
    }

    /// @inheritdoc IAccreditationRegistry
    function suspend(address issuer, uint48 effectiveFrom) external {
        _changeStatus(issuer, effectiveFrom, AccreditationStatus.Suspended);
        emit AccreditationSuspended(issuer, _msgSender(), effectiveFrom);
    }

    /// @inheritdoc IAccreditationRegistry
    function reinstate(address issuer, uint48 effectiveFrom) external {
        _changeStatus(issuer, effectiveFrom, AccreditationStatus.Active);
        emit AccreditationReinstated(issuer, _msgSender(), effectiveFrom);
    }

    /// @inheritdoc IAccreditationRegistry
    function withdraw(address issuer, uint48 effectiveFrom) external {
        _changeStatus(issuer, effectiveFrom, AccreditationStatus.Withdrawn);
        emit AccreditationWithdrawn(issuer, _msgSender(), effectiveFrom);
    }

    /// @inheritdoc IAccreditationRegistry
    function transferIssuer(address issuer, address newAccreditor) external onlyRole(DEFAULT_ADMIN_ROLE) {
        IssuerRecord storage record = _issuers[issuer];
        address from = record.accreditor;
        if (from == address(0)) revert UnknownIssuer(issuer);
        if (!hasRole(ACCREDITOR_ROLE, newAccreditor)) revert NotAnAccreditor(newAccreditor);
        Accreditation memory current = _latest(record);
        current.effectiveFrom = uint48(block.timestamp);
        current.accreditor = newAccreditor;
        record.accreditor = newAccreditor;
        _record(record, current);
        emit IssuerTransferred(issuer, from, newAccreditor);
    }

    // ------------------------------------------------------------------ issuer actions

    /// @inheritdoc IAccreditationRegistry
    function addOperator(address key, uint256 deadline, bytes calldata signature) external {
        address issuer = _msgSender();
        IssuerRecord storage record = _issuers[issuer];
        if (record.accreditor == address(0)) revert UnknownIssuer(issuer);
        if (key == address(0) || key == issuer || _issuers[key].accreditor != address(0)) revert InvalidOperator(key);
        if (_tenures[key].addedAt != 0) revert OperatorKeyAlreadyUsed(key);
        if (block.timestamp > deadline) revert OperatorConsentExpired(key, deadline);
        if (!SignatureChecker.isValidSignatureNow(key, operatorConsentDigest(issuer, key, deadline), signature)) {
            revert InvalidOperatorConsent(key);
        }
        if (record.operators.length() >= MAX_OPERATORS) revert TooManyOperators(issuer, MAX_OPERATORS);

        record.operators.add(key);
        (uint40 from, uint40 until) = _anchorWindow(_latest(record));
        _operators[key] = _packOperator(issuer, from, until, true);
        _tenures[key] = OperatorKey({
            issuer: issuer,
            addedAt: uint40(block.timestamp),
            removedAt: 0,
            compromisedSince: 0
        });
        emit OperatorAdded(issuer, key);
    }

    /// @inheritdoc IAccreditationRegistry
    function removeOperator(address key) external {
        address issuer = _msgSender();
        if (!_issuers[issuer].operators.contains(key)) revert NotOperatorOf(issuer, key);
        _removeOperator(issuer, key);
    }

    /// @inheritdoc IAccreditationRegistry
    function declareOperatorCompromised(address key, uint40 since) external {
        address issuer = _msgSender();
        OperatorKey storage tenure = _tenures[key];
        if (tenure.issuer != issuer || issuer == address(0)) revert NeverOperatorOf(issuer, key);
        if (tenure.compromisedSince != 0) revert AlreadyCompromised(key, tenure.compromisedSince);
        if (since < tenure.addedAt || since > block.timestamp) revert InvalidCompromiseTime(key, since);
        tenure.compromisedSince = since;
        IssuerRecord storage record = _issuers[issuer];
        record.compromises.push(uint256(since) | (block.timestamp << 40));
        if (record.operators.contains(key)) _removeOperator(issuer, key);
        emit OperatorCompromised(issuer, key, since);
    }

    /// @inheritdoc IAccreditationRegistry
    function setRevocationDelay(uint32 delay) external {
        address issuer = _msgSender();
        IssuerRecord storage record = _issuers[issuer];
        if (record.accreditor == address(0)) revert UnknownIssuer(issuer);
        if (delay < MIN_REVOCATION_DELAY || delay > MAX_REVOCATION_DELAY) revert InvalidRevocationDelay(delay);
        record.revocationDelay = delay;
        emit RevocationDelaySet(issuer, delay);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IAccreditationRegistry
    function accreditationAt(address issuer, uint48 timestamp) public view returns (Accreditation memory accreditation) {
        IssuerRecord storage record = _issuers[issuer];
        // Binary search for the number of changes effective at or before `timestamp`: the cost is
        // logarithmic in the history, so no one can pad a history to push a view past the gas cap.
        uint256 low = 0;
        uint256 high = record.history.length();
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (record.history.at(uint32(mid))._key > timestamp) high = mid;
            else low = mid + 1;
        }
        if (high == 0) return accreditation;
        return _entry(record, high - 1);
    }

    /// @inheritdoc IAccreditationRegistry
    function isAccredited(address issuer, uint48 timestamp) external view returns (bool) {
        return _accreditedAt(accreditationAt(issuer, timestamp), timestamp);
    }

    /// @inheritdoc IAccreditationRegistry
    function accreditationHistoryLength(address issuer) external view returns (uint256) {
        return _issuers[issuer].history.length();
    }

    /// @inheritdoc IAccreditationRegistry
    function issuerProfile(address issuer) external view returns (bytes32 profileDigest, address accreditor) {
        IssuerRecord storage record = _issuers[issuer];
        if (record.accreditor == address(0)) return (bytes32(0), address(0));
        return (_latest(record).profileDigest, record.accreditor);
    }

    /// @inheritdoc IAccreditationRegistry
    function isOperator(address issuer, address key, uint48 timestamp) external view returns (bool) {
        OperatorKey memory op = _tenures[key];
        return
            issuer != address(0) &&
            op.issuer == issuer &&
            op.addedAt != 0 &&
            op.addedAt <= timestamp &&
            (op.removedAt == 0 || timestamp < op.removedAt);
    }

    /// @inheritdoc IAccreditationRegistry
    function operatorKey(address key) external view returns (OperatorKey memory) {
        return _tenures[key];
    }

    /// @inheritdoc IAccreditationRegistry
    function operatorsOf(address issuer) external view returns (address[] memory) {
        return _issuers[issuer].operators.values();
    }

    /// @inheritdoc IAccreditationRegistry
    function revocationDelayOf(address issuer) public view returns (uint32) {
        uint32 delay = _issuers[issuer].revocationDelay;
        return delay == 0 ? DEFAULT_REVOCATION_DELAY : delay;
    }

    /// @inheritdoc IAccreditationRegistry
    function operatorConsentDigest(address issuer, address key, uint256 deadline) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(OPERATOR_CONSENT_TYPEHASH, issuer, key, deadline)));
    }

    // ------------------------------------------------------------------ internal

    /**
     * @dev Authorises the caller to anchor: it must be a current operator key of an issuer that is
     * accredited now. One cold storage read. Returns the issuer.
     */
    function _requireAnchoringOperator() internal view returns (address issuer) {
        uint256 op = _operators[_msgSender()];
        if (op >> 240 == 0) revert NotOperator(_msgSender());
        issuer = address(uint160(op));
        uint256 from = uint40(op >> 160);
        uint256 until = uint40(op >> 200);
        if (block.timestamp < from || block.timestamp >= until) revert IssuerNotAccredited(issuer);
    }

    /**
     * @dev Who is acting on an issuer's batches: a current operator key (accreditation not
     * required, so that a lapsed issuer can still revoke), or the issuer's own account.
     * Returns the issuer and whether the caller is the issuer's own account.
     */
    function _requireIssuerOrOperator() internal view returns (address issuer, bool isIssuerAccount) {
        address caller = _msgSender();
        uint256 op = _operators[caller];
        if (op >> 240 != 0) return (address(uint160(op)), false);
        if (_issuers[caller].accreditor == address(0)) revert NotIssuerOrOperator(caller);
        return (caller, true);
    }

    /// @dev The caller must be an issuer's own account (never an operator key). Returns it.
    function _requireIssuerAccount() internal view returns (address issuer) {
        issuer = _msgSender();
        if (_issuers[issuer].accreditor == address(0)) revert OnlyIssuerAccount(issuer);
    }

    /// @dev Whether `key` was declared compromised since a time at or before `timestamp`.
    function _compromisedBy(address key, uint256 timestamp) internal view returns (bool) {
        uint40 since = _tenures[key].compromisedSince;
        return since != 0 && since <= timestamp;
    }

    /**
     * @dev Whether a pending revocation of `issuer`'s operator keys made at `since` and final at
     * `finalAt` is void: a compromise was declared since a time at or before it, the declaration came
     * no earlier than the revocation (revocations made after a declaration, by the keys that remain,
     * stand), and before the revocation became final (what was final stays final). Pending
     * revocations are attributed per word of 256 credentials, not per credential, so a declaration
     * voids every revocation left pending in that span, whichever operator key made it (the issuer
     * re-sends the legitimate ones). The list is the issuer's own declarations (one per compromised
     * key), so no one else can grow it.
     */
    function _pendingVoided(address issuer, uint256 since, uint256 finalAt) internal view returns (bool) {
        uint256[] storage declarations = _issuers[issuer].compromises;
        uint256 n = declarations.length;
        for (uint256 i = 0; i < n; ++i) {
            uint256 d = declarations[i];
            uint256 from = uint40(d);
            uint256 declaredAt = uint40(d >> 40);
            if (from <= since && since <= declaredAt && declaredAt < finalAt) return true;
        }
        return false;
    }

    /**
     * @dev Whether the accreditation of `issuer` in force at `timestamp` let it issue then, and up to
     * which EQF level: one binary search over its history, without the accreditor and profile that
     * {accreditationAt} also reads (the safe credential checks need neither).
     */
    function _issuingTermsAt(address issuer, uint256 timestamp) internal view returns (bool accredited, uint8 maxEqfLevel) {
        uint208 packed = _issuers[issuer].history.upperLookup(uint48(timestamp));
        // As _unpack, without building the struct: status | maxEqf << 8 | validFrom << 16 | validUntil << 56.
        accredited =
            AccreditationStatus(uint8(packed)) == AccreditationStatus.Active &&
            uint40(packed >> 16) <= timestamp &&
            timestamp < uint40(packed >> 56);
        maxEqfLevel = uint8(packed >> 8);
    }

    /// @dev Whether `a`, the accreditation in force at `timestamp`, let its issuer issue then.
    function _accreditedAt(Accreditation memory a, uint256 timestamp) internal pure returns (bool) {
        return a.status == AccreditationStatus.Active && a.validFrom <= timestamp && timestamp < a.validUntil;
    }

    function _changeStatus(address issuer, uint48 effectiveFrom, AccreditationStatus to) private {
        IssuerRecord storage record = _issuers[issuer];
        if (record.accreditor == address(0)) revert UnknownIssuer(issuer);
        _checkAccreditor(issuer, record);
        uint48 now48 = uint48(block.timestamp);
        if (effectiveFrom > now48) revert EffectiveTimeInFuture(effectiveFrom, now48);

        Accreditation memory accreditation = _latest(record);
        AccreditationStatus from = accreditation.status;
        bool allowed = (to == AccreditationStatus.Suspended && from == AccreditationStatus.Active) ||
            (to == AccreditationStatus.Active && from == AccreditationStatus.Suspended) ||
            (to == AccreditationStatus.Withdrawn &&
                (from == AccreditationStatus.Active || from == AccreditationStatus.Suspended));
        if (!allowed) revert InvalidStatusTransition(issuer, from, to);

        accreditation.status = to;
        accreditation.effectiveFrom = effectiveFrom;
        _record(record, accreditation);
    }

    /**
     * @dev Appends `a` to the history (strictly after the latest change) and refreshes the hot slot
     * of every current operator.
     */
    function _record(IssuerRecord storage record, Accreditation memory a) private {
        (bool exists, uint48 lastChange, ) = record.history.latestCheckpoint();
        if (exists && a.effectiveFrom <= lastChange) revert EffectiveTimeNotAfterLastChange(a.effectiveFrom, lastChange);
        record.history.push(a.effectiveFrom, _pack(a));

        uint256 profiles = record.profiles.length;
        if (profiles == 0 || record.profiles[profiles - 1] != a.profileDigest) {
            record.profiles.push(a.profileDigest);
            profiles++;
        }
        record.historyMeta.push(uint256(uint160(a.accreditor)) | ((profiles - 1) << 160));

        (uint40 from, uint40 until) = _anchorWindow(a);
        uint256 n = record.operators.length();
        for (uint256 i = 0; i < n; ++i) {
            address key = record.operators.at(i);
            _operators[key] = _packOperator(address(uint160(_operators[key])), from, until, true);
        }
    }

    function _removeOperator(address issuer, address key) private {
        _issuers[issuer].operators.remove(key);
        _operators[key] = _packOperator(issuer, 0, 0, false);
        _tenures[key].removedAt = uint40(block.timestamp);
        emit OperatorRemoved(issuer, key);
    }

    /// @dev The caller must be the issuer's accreditor and still hold ACCREDITOR_ROLE, or be the admin.
    function _checkAccreditor(address issuer, IssuerRecord storage record) private view {
        address caller = _msgSender();
        bool isAccreditor = caller == record.accreditor && hasRole(ACCREDITOR_ROLE, caller);
        if (!isAccreditor && !hasRole(DEFAULT_ADMIN_ROLE, caller)) revert NotIssuerAccreditor(issuer, caller);
    }

    /// @dev The latest recorded accreditation of a known issuer.
    function _latest(IssuerRecord storage record) private view returns (Accreditation memory) {
        return _entry(record, record.history.length() - 1);
    }

    /// @dev History entry `i`, with its accreditor and profile.
    function _entry(IssuerRecord storage record, uint256 i) private view returns (Accreditation memory a) {
        Checkpoints.Checkpoint208 memory cp = record.history.at(uint32(i));
        a = _unpack(cp._value);
        a.effectiveFrom = cp._key;
        uint256 meta = record.historyMeta[i];
        a.accreditor = address(uint160(meta));
        a.profileDigest = record.profiles[meta >> 160];
    }

    function _anchorWindow(Accreditation memory a) private pure returns (uint40 from, uint40 until) {
        if (a.status != AccreditationStatus.Active) return (0, 0);
        return (a.validFrom, a.validUntil);
    }

    function _packOperator(address issuer, uint40 from, uint40 until, bool current) private pure returns (uint256) {
        return
            uint256(uint160(issuer)) |
            (uint256(from) << 160) |
            (uint256(until) << 200) |
            (current ? uint256(1) << 240 : 0);
    }

    function _pack(Accreditation memory a) private pure returns (uint208) {
        return
            uint208(uint8(a.status)) |
            (uint208(a.maxEqfLevel) << 8) |
            (uint208(a.validFrom) << 16) |
            (uint208(a.validUntil) << 56);
    }

    function _unpack(uint208 packed) private pure returns (Accreditation memory a) {
        a.status = AccreditationStatus(uint8(packed));
        a.maxEqfLevel = uint8(packed >> 8);
        a.validFrom = uint40(packed >> 16);
        a.validUntil = uint40(packed >> 56);
    }
}
