// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {AccreditationRegistry} from "../accreditation/AccreditationRegistry.sol";
import {CredentialLeaf} from "../libraries/CredentialLeaf.sol";
import {PackedCredentials} from "../libraries/PackedCredentials.sol";
import {ICredentialRegistry} from "../interfaces/ICredentialRegistry.sol";

/**
 * @title CredentialRegistry
 * @notice The credstack registry: batches of credentials anchored as Merkle roots by operator keys
 * of accredited issuers, keyed by (issuer, root); batch and per-credential revocation (pending
 * for the issuer's delay when an operator key revokes, final from the issuer's account) and
 * suspension; and a safe on-chain credential check for other contracts.
 *
 * @dev Accreditation lives in {AccreditationRegistry}, inherited rather than called: a call to a
 * separate contract costs a cold account access (2,600 gas) plus its own cold reads, which would
 * push anchoring past its 50k gas budget. Both concepts are deployed at one address.
 *
 * Each batch is one packed slot (anchoring key | anchoredAt | leafCount | status | reason) plus,
 * once revoked, one slot naming who revoked and when. Credential status is kept per word of 256
 * neighbouring indices: final revocations, pending revocations, suspensions, and who last added
 * pending revocations (one slot each), so revoking many neighbours costs little more than one.
 */
contract CredentialRegistry is AccreditationRegistry, ICredentialRegistry {
    struct WordState {
        uint256 revoked;
        uint256 pending;
        uint256 suspended;
        /// operator key | since << 160 | finalAt << 200, of the latest pending revocations added to the word
        uint256 pendingMeta;
    }

    /// @dev Bit of a batch's packed slot set once any of its credentials was revoked or suspended:
    /// while it is clear, every credential of the batch is in good standing without reading a word.
    uint256 private constant STATUS_TOUCHED = 1 << 248;

    struct BatchState {
        /// anchoringKey | anchoredAt << 160 | leafCount << 200 | status << 232 | reason << 240 | STATUS_TOUCHED
        uint256 packed;
        /// revokedBy | revokedAt << 160 | finalAt << 200
        uint256 revocation;
        mapping(uint256 word => WordState) words;
    }

    mapping(address issuer => mapping(bytes32 root => BatchState)) private _batches;

    /**
     * @param adminDelay Delay of a two-step transfer of the governance admin role.
     * @param admin Governance admin: grants and revokes ACCREDITOR_ROLE, hands issuers over.
     */
    constructor(uint48 adminDelay, address admin) AccreditationRegistry(adminDelay, admin) {}

    // ------------------------------------------------------------------ issuing

    /// @inheritdoc ICredentialRegistry
    function anchorBatch(bytes32 root, uint32 leafCount, bytes32 manifestDigest) external {
        if (root == bytes32(0)) revert InvalidRoot();
        if (leafCount == 0) revert EmptyBatch();
        address issuer = _requireAnchoringOperator();
        BatchState storage b = _batches[issuer][root];
        uint256 existing = b.packed;
        uint256 status = uint256(uint8(BatchStatus.Active)) << 232;
        if (existing != 0) {
            // A root anchored by a key the issuer has since declared compromised (since a time at or
            // before that anchoring) can be anchored again by a current key, so that a thief cannot
            // squat the issuer's own roots. Only the anchoring record is replaced: every revocation and
            // suspension stays (what is final stays final; a squatter's pending revocations are void
            // by the declaration, its suspensions are the issuer's to lift), and a batch revoked for
            // good cannot be anchored again.
            if (!_compromisedBy(address(uint160(existing)), uint40(existing >> 160))) revert BatchAlreadyAnchored(issuer, root);
            if (_batchStatus(issuer, b) == BatchStatus.Revoked) revert BatchIsRevoked(issuer, root);
            status = existing & ((uint256(0xffff) << 232) | STATUS_TOUCHED);
        }
        b.packed = uint256(uint160(_msgSender())) | (block.timestamp << 160) | (uint256(leafCount) << 200) | status;
        emit BatchAnchored(root, issuer, _msgSender(), leafCount, manifestDigest);
    }

    // ------------------------------------------------------------------ batch revocation

    /// @inheritdoc ICredentialRegistry
    function revokeBatch(bytes32 root, uint8 reason) external {
        (address issuer, bool isFinal) = _requireIssuerOrOperator();
        BatchState storage b = _batchOf(issuer, root);
        BatchStatus status = _batchStatus(issuer, b);
        if (status == BatchStatus.Revoked) revert BatchIsRevoked(issuer, root);
        if (status == BatchStatus.RevocationPending && !isFinal) return; // a retry: keep the first, its delay runs
        _setBatchStatus(b, isFinal ? BatchStatus.Revoked : BatchStatus.RevocationPending, reason);
        uint256 finalAt = isFinal ? block.timestamp : block.timestamp + revocationDelayOf(issuer);
        b.revocation = uint256(uint160(_msgSender())) | (block.timestamp << 160) | (finalAt << 200);
        emit BatchRevoked(root, issuer, _msgSender(), reason, isFinal);
    }

    /// @inheritdoc ICredentialRegistry
    function cancelBatchRevocation(bytes32 root) external {
        address issuer = _requireIssuerAccount();
        BatchState storage b = _batchOf(issuer, root);
        if (_batchStatus(issuer, b) == BatchStatus.Revoked) revert BatchIsRevoked(issuer, root);
        if (BatchStatus(uint8(b.packed >> 232)) != BatchStatus.RevocationPending) revert NoPendingBatchRevocation(issuer, root);
        _setBatchStatus(b, BatchStatus.Active, 0);
        b.revocation = 0;
        emit BatchRevocationCancelled(root, issuer);
    }

    // ------------------------------------------------------------------ credential status

    /// @inheritdoc ICredentialRegistry
    function revokeCredentials(bytes32 root, uint256[] calldata words, uint256[] calldata masks, uint8 reason) external {
        (address issuer, bool isFinal) = _requireIssuerOrOperator();
        BatchState storage b = _activeBatchOf(issuer, root, words, masks);
        _touchStatus(b);
        // The delay in force now fixes when these revocations become final; a later change of the
        // delay applies to later revocations only.
        uint256 meta = isFinal ? 0 : uint256(uint160(_msgSender())) | (block.timestamp << 160) | ((block.timestamp + revocationDelayOf(issuer)) << 200);
        for (uint256 i = 0; i < words.length; ++i) {
            WordState storage w = b.words[words[i]];
            uint256 mask = masks[i];
            if (isFinal) {
                w.revoked |= mask;
                if (w.pending & mask != 0) w.pending &= ~mask;
                continue;
            }
            uint256 pending = w.pending;
            if (pending != 0) {
                (, , , bool matured, bool voided) = _pendingState(issuer, w.pendingMeta);
                if (voided) pending = 0;
                else if (matured) {
                    // Fold final revocations in before a new pending group restarts the clock.
                    w.revoked |= pending;
                    pending = 0;
                }
            }
            uint256 added = mask & ~w.revoked & ~pending;
            if (added == 0 && pending == w.pending) continue; // a retry: nothing new, no restarted delay
            w.pending = pending | added;
            if (added != 0) w.pendingMeta = meta;
        }
        emit CredentialsRevoked(root, issuer, _msgSender(), reason, isFinal, words, masks);
    }

    /// @inheritdoc ICredentialRegistry
    function cancelRevocations(bytes32 root, uint256[] calldata words, uint256[] calldata masks) external {
        address issuer = _requireIssuerAccount();
        BatchState storage b = _activeBatchOf(issuer, root, words, masks);
        uint256[] memory cancelled = new uint256[](words.length);
        bool any;
        for (uint256 i = 0; i < words.length; ++i) {
            WordState storage w = b.words[words[i]];
            uint256 bits = w.pending & masks[i];
            if (bits == 0) continue;
            (, , , bool matured, ) = _pendingState(issuer, w.pendingMeta);
            if (matured) revert RevocationIsFinal(root, words[i]);
            w.pending &= ~bits;
            cancelled[i] = bits;
            any = true;
        }
        if (any) emit RevocationsCancelled(root, issuer, words, cancelled);
    }

    /// @inheritdoc ICredentialRegistry
    function suspendCredentials(bytes32 root, uint256[] calldata words, uint256[] calldata masks) external {
        (address issuer, ) = _requireIssuerOrOperator();
        BatchState storage b = _activeBatchOf(issuer, root, words, masks);
        _touchStatus(b);
        for (uint256 i = 0; i < words.length; ++i) b.words[words[i]].suspended |= masks[i];
        emit CredentialsSuspended(root, issuer, _msgSender(), words, masks);
    }

    /// @inheritdoc ICredentialRegistry
    function reinstateCredentials(bytes32 root, uint256[] calldata words, uint256[] calldata masks) external {
        (address issuer, ) = _requireIssuerOrOperator();
        BatchState storage b = _activeBatchOf(issuer, root, words, masks);
        for (uint256 i = 0; i < words.length; ++i) b.words[words[i]].suspended &= ~masks[i];
        emit CredentialsReinstated(root, issuer, _msgSender(), words, masks);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ICredentialRegistry
    function batchOf(address issuer, bytes32 root) public view returns (Batch memory batch) {
        BatchState storage b = _batches[issuer][root];
        uint256 packed = b.packed;
        if (packed == 0) return batch;
        batch.anchoringKey = address(uint160(packed));
        batch.anchoredAt = uint40(packed >> 160);
        batch.leafCount = uint32(packed >> 200);
        batch.status = _batchStatus(issuer, b);
        batch.anchoringKeyCompromised = _compromisedBy(batch.anchoringKey, batch.anchoredAt);
        if (batch.status == BatchStatus.Active) return batch;
        batch.revocationReason = uint8(packed >> 240);
        batch.revokedBy = address(uint160(b.revocation));
        batch.revokedAt = uint40(b.revocation >> 160);
        batch.revocationFinalAt = uint40(b.revocation >> 200);
    }

    /// @inheritdoc ICredentialRegistry
    function statusWords(address issuer, bytes32 root, uint256[] calldata words) public view returns (StatusWord[] memory status) {
        BatchState storage b = _batches[issuer][root];
        status = new StatusWord[](words.length);
        for (uint256 i = 0; i < words.length; ++i) {
            status[i] = _statusWord(issuer, b.words[words[i]]);
        }
    }

    /// @inheritdoc ICredentialRegistry
    function verificationOf(address issuer, bytes32 root, uint256[] calldata words)
        external
        view
        returns (Batch memory batch, Accreditation memory accreditation, StatusWord[] memory status)
    {
        batch = batchOf(issuer, root);
        if (batch.status != BatchStatus.None) accreditation = accreditationAt(issuer, batch.anchoredAt);
        status = statusWords(issuer, root, words);
    }

    /// @inheritdoc ICredentialRegistry
    function checkCredential(
        address issuer,
        bytes32 root,
        CredentialLeaf.Fields calldata fields,
        bytes32[] calldata proof
    ) external view returns (CredentialState state, bytes32 leaf) {
        leaf = CredentialLeaf.hash(block.chainid, address(this), issuer, fields);
        BatchState storage b = _batches[issuer][root];
        if (b.packed == 0) return (CredentialState.NotAnchored, leaf);
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) return (CredentialState.InvalidProof, leaf);
        return (_stateOf(issuer, b, fields.index, fields.eqfLevel), leaf);
    }

    /// @inheritdoc ICredentialRegistry
    function checkCredentials(address holder, bytes calldata packed)
        external
        view
        returns (CredentialState[] memory states, bytes32[] memory leaves)
    {
        PackedCredentials.Header memory h = PackedCredentials.header(packed);
        states = new CredentialState[](h.count);
        leaves = new bytes32[](h.count);
        PackedCredentials.Credential memory c;
        uint256 pos = h.first;
        for (uint256 i = 0; i < h.count; ++i) {
            PackedCredentials.read(h, pos, i, c);
            pos = c.next;
            (states[i], leaves[i]) = _checkPacked(h, c, holder);
        }
    }

    /// @inheritdoc ICredentialRegistry
    function leafOf(address issuer, CredentialLeaf.Fields calldata fields) external view returns (bytes32) {
        return CredentialLeaf.hash(block.chainid, address(this), issuer, fields);
    }

    // ------------------------------------------------------------------ internal

    /// @dev {checkCredential} of one credential read from a {PackedCredentials} encoding.
    function _checkPacked(PackedCredentials.Header memory h, PackedCredentials.Credential memory c, address holder)
        private
        view
        returns (CredentialState, bytes32 leaf)
    {
        address issuer = PackedCredentials.issuerAt(h, c.issuerIndex);
        leaf = PackedCredentials.leaf(c, block.chainid, address(this), issuer, PackedCredentials.achievementAt(h, c.achievementIndex), holder);
        BatchState storage b = _batches[issuer][c.root];
        if (b.packed == 0) return (CredentialState.NotAnchored, leaf);
        if (PackedCredentials.rootOf(c, leaf) != c.root) return (CredentialState.InvalidProof, leaf);
        return (_stateOf(issuer, b, c.index, uint8(c.eqfLevel)), leaf);
    }

    /// @dev The anchored batch `root` of `issuer`, or UnknownBatch.
    function _batchOf(address issuer, bytes32 root) private view returns (BatchState storage b) {
        b = _batches[issuer][root];
        if (b.packed == 0) revert UnknownBatch(issuer, root);
    }

    /**
     * @dev The batch whose credentials are changed: anchored, not finally revoked, every mask
     * non-zero and every index below the leaf count.
     */
    function _activeBatchOf(
        address issuer,
        bytes32 root,
        uint256[] calldata words,
        uint256[] calldata masks
    ) private view returns (BatchState storage b) {
        b = _batchOf(issuer, root);
        if (_batchStatus(issuer, b) == BatchStatus.Revoked) revert BatchIsRevoked(issuer, root);
        uint256 n = words.length;
        if (n == 0 || masks.length != n) revert InvalidIndexMasks();
        uint32 leafCount = uint32(b.packed >> 200);
        for (uint256 i = 0; i < n; ++i) {
            uint256 mask = masks[i];
            if (mask == 0) revert InvalidIndexMasks();
            uint256 word = words[i];
            // The highest index the mask names must be below the leaf count (a word past any batch
            // is named by its first index, without overflowing).
            if (word > type(uint32).max) revert IndexOutOfRange(root, word < type(uint248).max ? word << 8 : type(uint256).max, leafCount);
            uint256 top = word * 256 + Math.log2(mask);
            if (top >= leafCount) revert IndexOutOfRange(root, top, leafCount);
        }
    }

    /// @dev Marks that a credential status of the batch may be set (never cleared: words keep their history).
    function _touchStatus(BatchState storage b) private {
        uint256 packed = b.packed;
        if (packed & STATUS_TOUCHED == 0) b.packed = packed | STATUS_TOUCHED;
    }

    /// @dev Sets the status and revocation reason bits of a batch's packed slot.
    function _setBatchStatus(BatchState storage b, BatchStatus status, uint8 reason) private {
        b.packed = (b.packed & ~(uint256(0xffff) << 232)) | (uint256(uint8(status)) << 232) | (uint256(reason) << 240);
    }

    /// @dev The effective status of a batch: a pending revocation past the delay is final, one by a key
    /// declared compromised since is void.
    function _batchStatus(address issuer, BatchState storage b) private view returns (BatchStatus) {
        BatchStatus status = BatchStatus(uint8(b.packed >> 232));
        if (status != BatchStatus.RevocationPending) return status;
        (, , , bool matured, bool voided) = _pendingState(issuer, b.revocation);
        if (voided) return BatchStatus.Active;
        return matured ? BatchStatus.Revoked : BatchStatus.RevocationPending;
    }

    /// @dev The state of one credential (bit `bit` of word `w`).
    function _credentialState(address issuer, WordState storage w, uint256 bit) private view returns (CredentialState) {
        if ((w.revoked >> bit) & 1 == 1) return CredentialState.Revoked;
        if ((w.pending >> bit) & 1 == 1) {
            (, , , bool matured, bool voided) = _pendingState(issuer, w.pendingMeta);
            if (!voided) return matured ? CredentialState.Revoked : CredentialState.RevocationPending;
        }
        if ((w.suspended >> bit) & 1 == 1) return CredentialState.Suspended;
        return CredentialState.Valid;
    }

    /**
     * @dev Who last added to a pending group (`meta` = key | since << 160 | finalAt << 200), when it
     * is final (fixed when it was made), whether it is final now, and whether it is void (see
     * {_pendingVoided}; what became final stays final, so that a group folded into the final bits
     * and one not yet folded read alike).
     */
    function _pendingState(address issuer, uint256 meta)
        private
        view
        returns (address by, uint40 since, uint40 finalAt, bool matured, bool voided)
    {
        by = address(uint160(meta));
        since = uint40(meta >> 160);
        finalAt = uint40(meta >> 200);
        voided = _pendingVoided(issuer, since, finalAt);
        matured = !voided && block.timestamp >= finalAt;
    }

    /// @dev {checkCredential} after the proof: range, anchoring key, accreditation at anchoring, status.
    function _stateOf(address issuer, BatchState storage b, uint256 index, uint8 eqfLevel) private view returns (CredentialState) {
        uint256 packed = b.packed;
        if (index >= uint32(packed >> 200)) return CredentialState.IndexOutOfRange;
        uint40 anchoredAt = uint40(packed >> 160);
        if (_compromisedBy(address(uint160(packed)), anchoredAt)) return CredentialState.AnchoringKeyCompromised;
        (bool accredited, uint8 maxEqfLevel) = _issuingTermsAt(issuer, anchoredAt);
        if (!accredited) return CredentialState.IssuerNotAccredited;
        if (eqfLevel > maxEqfLevel) return CredentialState.EqfAboveAccreditation;
        BatchStatus status = _batchStatus(issuer, b);
        if (status == BatchStatus.Revoked) return CredentialState.BatchRevoked;
        if (status == BatchStatus.RevocationPending) return CredentialState.BatchRevocationPending;
        if (packed & STATUS_TOUCHED == 0) return CredentialState.Valid;
        return _credentialState(issuer, b.words[index >> 8], index & 0xff);
    }

    /// @dev The effective status of one word (see {StatusWord}).
    function _statusWord(address issuer, WordState storage w) private view returns (StatusWord memory s) {
        s.revoked = w.revoked;
        s.suspended = w.suspended;
        uint256 pending = w.pending;
        if (pending == 0) return s;
        (address by, uint40 since, uint40 finalAt, bool matured, bool voided) = _pendingState(issuer, w.pendingMeta);
        if (voided) return s;
        if (matured) s.revoked |= pending;
        else s.pending = pending;
        s.pendingBy = by;
        s.pendingSince = since;
        s.pendingFinalAt = finalAt;
    }

}
