// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
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
 * {MAX_OPERATORS} keys. The full history of each accreditation is a checkpoint trace keyed by
 * effective time, for point-in-time queries.
 *
 * Status changes take effect now or retroactively (never in the future): the hot copy always
 * reflects the present, and a retroactive withdrawal is visible to verifiers through
 * {accreditationAt}.
 */
abstract contract AccreditationRegistry is AccessControl, IAccreditationRegistry {
    using Checkpoints for Checkpoints.Trace208;
    using EnumerableSet for EnumerableSet.AddressSet;

    /// @notice Role of quality-assurance agencies that accredit issuers.
    bytes32 public constant ACCREDITOR_ROLE = keccak256("ACCREDITOR_ROLE");

    /// @notice Most current operator keys an issuer may hold (bounds the cost of accreditation changes).
    uint256 public constant MAX_OPERATORS = 16;

    struct IssuerRecord {
        address accreditor;
        bytes32 profileDigest;
        /// effective time => packed Accreditation (see _pack)
        Checkpoints.Trace208 history;
        EnumerableSet.AddressSet operators;
    }

    mapping(address issuer => IssuerRecord) private _issuers;
    /// @dev The one slot read to authorise an operator key, packed by hand (see _packOperator) so
    /// that it costs exactly one SLOAD: issuer | anchorFrom | anchorUntil | current.
    mapping(address key => uint256 packed) private _operators;
    mapping(address key => OperatorKey) private _tenures;

    /// @param admin Governance admin: grants and revokes ACCREDITOR_ROLE.
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ------------------------------------------------------------------ accreditor actions

    /// @inheritdoc IAccreditationRegistry
    function accredit(
        address issuer,
        bytes32 profileDigest,
        uint8 maxEqfLevel,
        uint40 validFrom,
        uint40 validUntil
    ) external onlyRole(ACCREDITOR_ROLE) {
        if (issuer == address(0)) revert InvalidIssuer(issuer);
        if (maxEqfLevel == 0 || maxEqfLevel > 8) revert InvalidEqfLevel(maxEqfLevel);
        if (validUntil <= validFrom || validUntil <= block.timestamp) revert InvalidValidityWindow(validFrom, validUntil);

        IssuerRecord storage record = _issuers[issuer];
        if (record.accreditor != address(0)) _checkAccreditor(issuer, record);

        record.accreditor = _msgSender();
        record.profileDigest = profileDigest;
        Accreditation memory accreditation = Accreditation({
            status: AccreditationStatus.Active,
            maxEqfLevel: maxEqfLevel,
            validFrom: validFrom,
            validUntil: validUntil,
            effectiveFrom: uint48(block.timestamp)
        });
        _record(record, accreditation);
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

    // ------------------------------------------------------------------ issuer actions

    /// @inheritdoc IAccreditationRegistry
    function addOperator(address key) external {
        address issuer = _msgSender();
        IssuerRecord storage record = _issuers[issuer];
        if (record.accreditor == address(0)) revert UnknownIssuer(issuer);
        if (key == address(0)) revert InvalidOperator(key);
        if (_tenures[key].addedAt != 0) revert OperatorKeyAlreadyUsed(key);
        if (record.operators.length() >= MAX_OPERATORS) revert TooManyOperators(issuer, MAX_OPERATORS);

        record.operators.add(key);
        (uint40 from, uint40 until) = _anchorWindow(_unpack(record.history.latest()));
        _operators[key] = _packOperator(issuer, from, until, true);
        _tenures[key] = OperatorKey({issuer: issuer, addedAt: uint40(block.timestamp), removedAt: 0});
        emit OperatorAdded(issuer, key);
    }

    /// @inheritdoc IAccreditationRegistry
    function removeOperator(address key) external {
        address issuer = _msgSender();
        if (!_issuers[issuer].operators.remove(key)) revert NotOperatorOf(issuer, key);
        _operators[key] = _packOperator(issuer, 0, 0, false);
        _tenures[key].removedAt = uint40(block.timestamp);
        emit OperatorRemoved(issuer, key);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IAccreditationRegistry
    function accreditationAt(address issuer, uint48 timestamp) public view returns (Accreditation memory accreditation) {
        Checkpoints.Trace208 storage history = _issuers[issuer].history;
        uint256 n = history.length();
        // Walk back from the latest change: point-in-time queries are almost always recent.
        for (uint256 i = n; i > 0; --i) {
            Checkpoints.Checkpoint208 memory cp = history.at(uint32(i - 1));
            if (cp._key <= timestamp) {
                accreditation = _unpack(cp._value);
                accreditation.effectiveFrom = cp._key;
                return accreditation;
            }
        }
    }

    /// @inheritdoc IAccreditationRegistry
    function isAccredited(address issuer, uint48 timestamp) external view returns (bool) {
        Accreditation memory a = accreditationAt(issuer, timestamp);
        return a.status == AccreditationStatus.Active && a.validFrom <= timestamp && timestamp < a.validUntil;
    }

    /// @inheritdoc IAccreditationRegistry
    function issuerProfile(address issuer) public view returns (bytes32 profileDigest, address accreditor) {
        IssuerRecord storage record = _issuers[issuer];
        return (record.profileDigest, record.accreditor);
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
     * @dev Authorises the caller to manage what its issuer issued: it must be a current operator
     * key. Accreditation is not required, so that a lapsed issuer can still revoke. Returns the issuer.
     */
    function _requireOperator() internal view returns (address issuer) {
        uint256 op = _operators[_msgSender()];
        if (op >> 240 == 0) revert NotOperator(_msgSender());
        return address(uint160(op));
    }

    function _changeStatus(address issuer, uint48 effectiveFrom, AccreditationStatus to) private {
        IssuerRecord storage record = _issuers[issuer];
        if (record.accreditor == address(0)) revert UnknownIssuer(issuer);
        _checkAccreditor(issuer, record);
        uint48 now48 = uint48(block.timestamp);
        if (effectiveFrom > now48) revert EffectiveTimeInFuture(effectiveFrom, now48);
        (, uint48 lastChange, uint208 packed) = record.history.latestCheckpoint();
        if (effectiveFrom < lastChange) revert EffectiveTimeBeforeLastChange(effectiveFrom, lastChange);

        Accreditation memory accreditation = _unpack(packed);
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

    /// @dev Appends `accreditation` to the history and refreshes the hot slot of every current operator.
    function _record(IssuerRecord storage record, Accreditation memory accreditation) private {
        record.history.push(accreditation.effectiveFrom, _pack(accreditation));
        (uint40 from, uint40 until) = _anchorWindow(accreditation);
        uint256 n = record.operators.length();
        for (uint256 i = 0; i < n; ++i) {
            address key = record.operators.at(i);
            _operators[key] = _packOperator(address(uint160(_operators[key])), from, until, true);
        }
    }

    function _checkAccreditor(address issuer, IssuerRecord storage record) private view {
        address caller = _msgSender();
        if (caller != record.accreditor && !hasRole(DEFAULT_ADMIN_ROLE, caller)) {
            revert NotIssuerAccreditor(issuer, caller);
        }
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
