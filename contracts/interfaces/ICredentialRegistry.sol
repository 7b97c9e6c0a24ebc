// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccreditationRegistry} from "./IAccreditationRegistry.sol";
import {CredentialLeaf} from "../libraries/CredentialLeaf.sol";

/**
 * @title ICredentialRegistry
 * @notice What was issued. An operator key of an accredited issuer anchors a batch of credentials
 * as the root of a Merkle tree whose leaves are salted digests; nothing else about the
 * credentials reaches the chain. A batch belongs to the issuer that anchored it: batches are
 * keyed by (issuer, root), so another institution anchoring the same root (copied from the
 * mempool or from files handed out early) neither blocks nor touches it.
 *
 * Revocation is safe against a stolen operator key: an operator key's revocation (of credentials
 * or of a whole batch) stops them verifying at once but stays *pending* for the issuer's
 * revocation delay, during which the issuer's own account can cancel it; it becomes final after
 * the delay, or at once when the issuer's account revokes. Suspension is reversible by design.
 * Declaring a key compromised fails the batches it anchored since, and voids the revocations the
 * issuer's operator keys left pending since then (pending revocations are attributed per word of
 * 256 credentials, not per credential, so the declaration does not try to tell keys apart).
 *
 * Credential indices travel as 256-bit masks over words of 256 neighbouring indices
 * (`words[i]` = index / 256, bit `index % 256` of `masks[i]`): lean calldata and events.
 */
interface ICredentialRegistry {
    /// @notice Lifecycle of a batch. `None`: never anchored by this issuer.
    enum BatchStatus {
        None,
        Active,
        RevocationPending,
        Revoked
    }

    /// @notice A batch as the registry sees it now.
    struct Batch {
        /// The operator key that anchored it.
        address anchoringKey;
        uint40 anchoredAt;
        uint32 leafCount;
        /// Effective status: a pending revocation past the issuer's delay reads Revoked, one
        /// voided by a compromise declaration reads Active.
        BatchStatus status;
        uint8 revocationReason;
        /// Who revoked (the issuer account or an operator key); zero while Active.
        address revokedBy;
        uint40 revokedAt;
        /// When the revocation is (or became) final; zero while Active.
        uint40 revocationFinalAt;
        /// Whether the issuer declared the anchoring key compromised since a time at or before `anchoredAt`.
        bool anchoringKeyCompromised;
    }

    /// @notice The status of 256 neighbouring credentials (indices `word * 256 .. word * 256 + 255`).
    struct StatusWord {
        /// Final revocations (by the issuer account, or an operator key's past the delay).
        uint256 revoked;
        /// Revocations by an operator key still within the delay (cancellable by the issuer).
        uint256 pending;
        uint256 suspended;
        /// The operator key that last added pending revocations to this word, and when.
        address pendingBy;
        uint40 pendingSince;
        /// When the pending revocations become final.
        uint40 pendingFinalAt;
    }

    /// @notice The answer of {checkCredential}, worst first after `Valid`.
    enum CredentialState {
        Valid,
        NotAnchored,
        InvalidProof,
        IndexOutOfRange,
        AnchoringKeyCompromised,
        IssuerNotAccredited,
        EqfAboveAccreditation,
        BatchRevoked,
        BatchRevocationPending,
        Revoked,
        RevocationPending,
        Suspended
    }

    /// @dev The root is zero.
    error InvalidRoot();
    /// @dev The batch has no leaves.
    error EmptyBatch();
    /// @dev The issuer already anchored this root; roots are never overwritten.
    error BatchAlreadyAnchored(address issuer, bytes32 root);
    /// @dev The issuer never anchored this root.
    error UnknownBatch(address issuer, bytes32 root);
    /// @dev The batch is revoked (finally) as a whole; its status can no longer change.
    error BatchIsRevoked(address issuer, bytes32 root);
    /// @dev The batch has no pending revocation to cancel, or it is already final.
    error NoPendingBatchRevocation(address issuer, bytes32 root);
    /// @dev A credential index is not below the batch's leaf count.
    error IndexOutOfRange(bytes32 root, uint256 index, uint32 leafCount);
    /// @dev `words` and `masks` differ in length, are empty, or a mask is zero.
    error InvalidIndexMasks();
    /// @dev Pending revocations in this word are already final and cannot be cancelled.
    error RevocationIsFinal(bytes32 root, uint256 word);

    /// @notice A batch was anchored by `operator` for `issuer`. `manifestDigest` commits to the off-chain manifest.
    event BatchAnchored(
        bytes32 indexed root,
        address indexed issuer,
        address indexed operator,
        uint32 leafCount,
        bytes32 manifestDigest
    );
    /// @notice A whole batch was revoked by `by`; `isFinal` false means pending until the issuer's delay has passed.
    event BatchRevoked(bytes32 indexed root, address indexed issuer, address indexed by, uint8 reason, bool isFinal);
    /// @notice The issuer cancelled a pending revocation of the whole batch.
    event BatchRevocationCancelled(bytes32 indexed root, address indexed issuer);
    /// @notice Credentials were revoked by `by` (masks over words of 256 indices); `isFinal` as above.
    event CredentialsRevoked(
        bytes32 indexed root,
        address indexed issuer,
        address indexed by,
        uint8 reason,
        bool isFinal,
        uint256[] words,
        uint256[] masks
    );
    /// @notice The issuer cancelled pending revocations of credentials (`masks`: only the bits that were pending).
    event RevocationsCancelled(bytes32 indexed root, address indexed issuer, uint256[] words, uint256[] masks);
    /// @notice Credentials were suspended (reversibly) by `by`.
    event CredentialsSuspended(
        bytes32 indexed root,
        address indexed issuer,
        address indexed by,
        uint256[] words,
        uint256[] masks
    );
    /// @notice Suspended credentials were reinstated by `by`.
    event CredentialsReinstated(
        bytes32 indexed root,
        address indexed issuer,
        address indexed by,
        uint256[] words,
        uint256[] masks
    );

    /**
     * @notice Anchors a batch: its Merkle root, its leaf count and the digest of its manifest.
     * @dev The caller must be a current operator key of an issuer that is accredited now. A root the
     * issuer already anchored reverts, unless the key that anchored it was since declared
     * compromised (since a time at or before that anchoring): then only the anchoring record (key,
     * time, leaf count) is replaced, so a thief cannot squat the issuer's roots; every revocation and
     * suspension stays (what is final stays final), and a batch revoked for good reverts BatchIsRevoked.
     */
    function anchorBatch(bytes32 root, uint32 leafCount, bytes32 manifestDigest) external;

    /**
     * @notice Revokes a whole batch with a reason code: final at once from the issuer's account,
     * pending for the issuer's delay from an operator key.
     * @dev The caller is the issuer's account or a current operator key of the issuer. An issuer
     * whose accreditation lapsed can still revoke what it issued.
     */
    function revokeBatch(bytes32 root, uint8 reason) external;

    /// @notice Cancels a pending (not yet final) revocation of a whole batch. Issuer account only.
    function cancelBatchRevocation(bytes32 root) external;

    /**
     * @notice Revokes credentials of a batch (masks over words): final at once from the issuer's
     * account, pending for the issuer's delay from an operator key. Already revoked credentials
     * stay revoked (a retried transaction does not fail, nor does it restart a delay).
     */
    function revokeCredentials(bytes32 root, uint256[] calldata words, uint256[] calldata masks, uint8 reason) external;

    /// @notice Cancels pending (not yet final) revocations of credentials. Issuer account only.
    function cancelRevocations(bytes32 root, uint256[] calldata words, uint256[] calldata masks) external;

    /// @notice Suspends credentials of a batch (reversible with `reinstateCredentials`). Issuer or operator key.
    function suspendCredentials(bytes32 root, uint256[] calldata words, uint256[] calldata masks) external;

    /// @notice Lifts the suspension of credentials of a batch. Issuer or operator key.
    function reinstateCredentials(bytes32 root, uint256[] calldata words, uint256[] calldata masks) external;

    /// @notice The batch `root` of `issuer` (status None if that issuer never anchored it).
    function batchOf(address issuer, bytes32 root) external view returns (Batch memory);

    /// @notice The status words `words` of batch `root` of `issuer` (see {StatusWord}).
    function statusWords(address issuer, bytes32 root, uint256[] calldata words) external view returns (StatusWord[] memory);

    /**
     * @notice Everything a verifier needs about batch `root` of `issuer`, in one call: the batch,
     * the issuer's accreditation as it stood when the batch was anchored (with the accreditor and
     * the profile digest in force then), and the status words `words` of the credentials checked.
     * @dev For a batch never anchored, `batch.status` and `accreditation.status` are None.
     */
    function verificationOf(address issuer, bytes32 root, uint256[] calldata words)
        external
        view
        returns (Batch memory batch, IAccreditationRegistry.Accreditation memory accreditation, StatusWord[] memory status);

    /**
     * @notice The safe on-chain check of one credential, for other contracts (stacking): recomputes
     * the leaf from its public fields (see {CredentialLeaf}), checks the proof against the batch
     * `root` anchored by `issuer`, and answers whether the credential is anchored, in range, its
     * anchoring key not compromised, its issuer accredited at anchoring time up to the leaf's EQF
     * level, and the batch and credential neither revoked (final or pending) nor suspended.
     * The leaf binds `issuer` (format v3): another issuer's copy of the root never verifies a leaf
     * of the original, so `issuer` may come from an untrusted party. Leaves of formats v1 and v2
     * (no issuer) are not checked here; off-chain verifiers keep reading their batches.
     * @return state `Valid`, or the first reason it is not.
     * @return leaf The recomputed leaf.
     */
    function checkCredential(
        address issuer,
        bytes32 root,
        CredentialLeaf.Fields calldata fields,
        bytes32[] calldata proof
    ) external view returns (CredentialState state, bytes32 leaf);

    /**
     * @notice {checkCredential} for several credentials of one `holder` at once, in the lean
     * encoding of {PackedCredentials} (issuer and achievement tables, compact numbers, proofs of any
     * depth up to 32): what a stacking claim sends. Each credential's leaf is recomputed with
     * `holder`, so a credential of anyone else reads `InvalidProof`. Reads each batch, status word
     * and accreditation history once per credential (warm after the first of an issuer).
     * @return states For each credential, `Valid` or the first reason it is not.
     * @return leaves For each credential, its recomputed leaf.
     */
    function checkCredentials(address holder, bytes calldata packed)
        external
        view
        returns (CredentialState[] memory states, bytes32[] memory leaves);

    /**
     * @notice The leaf of a credential of `issuer` with public fields `fields`, bound to this registry
     * and chain (see {CredentialLeaf}). Lets clients and contracts recompute a leaf before checking
     * its proof.
     */
    function leafOf(address issuer, CredentialLeaf.Fields calldata fields) external view returns (bytes32);
}
