// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccreditationRegistry} from "./IAccreditationRegistry.sol";

/**
 * @title ICredentialRegistry
 * @notice What was issued. An operator of an accredited issuer anchors a batch of credentials as
 * the root of a Merkle tree whose leaves are salted digests; nothing else about the credentials
 * reaches the chain. The issuer can later revoke the whole batch, revoke individual credentials
 * by leaf index (a bitmap per batch), or suspend and reinstate them.
 */
interface ICredentialRegistry {
    /// @notice Lifecycle of a batch. `None` means the root was never anchored.
    enum BatchStatus {
        None,
        Active,
        Revoked
    }

    /// @notice One storage slot per batch.
    struct Batch {
        address issuer;
        uint40 anchoredAt;
        uint32 leafCount;
        BatchStatus status;
        uint8 revocationReason;
    }

    /// @dev The root is zero.
    error InvalidRoot();
    /// @dev The batch has no leaves.
    error EmptyBatch();
    /// @dev The root is already anchored (by anyone); roots are never overwritten.
    error BatchAlreadyAnchored(bytes32 root);
    /// @dev No batch with this root was anchored.
    error UnknownBatch(bytes32 root);
    /// @dev The caller operates for `issuer`, but the batch was anchored by another issuer.
    error NotBatchIssuer(bytes32 root, address issuer);
    /// @dev The batch was revoked as a whole; its status can no longer change.
    error BatchIsRevoked(bytes32 root);
    /// @dev A leaf index is not below the batch's leaf count.
    error IndexOutOfRange(bytes32 root, uint256 index, uint32 leafCount);
    /// @dev No indices were given.
    error NoIndices();

    /// @notice A batch was anchored. `manifestDigest` commits to the off-chain batch manifest.
    event BatchAnchored(bytes32 indexed root, address indexed issuer, uint32 leafCount, bytes32 manifestDigest);
    /// @notice A whole batch was revoked with a reason code.
    event BatchRevoked(bytes32 indexed root, address indexed issuer, uint8 reason);
    /// @notice Credentials of a batch were revoked (permanently) with a reason code.
    event CredentialsRevoked(bytes32 indexed root, address indexed issuer, uint8 reason, uint256[] indices);
    /// @notice Credentials of a batch were suspended (reversibly).
    event CredentialsSuspended(bytes32 indexed root, address indexed issuer, uint256[] indices);
    /// @notice Suspended credentials of a batch were reinstated.
    event CredentialsReinstated(bytes32 indexed root, address indexed issuer, uint256[] indices);

    /**
     * @notice Anchors a batch: its Merkle root, its leaf count and the digest of its manifest.
     * @dev The caller must be a current operator of an issuer that is accredited now.
     */
    function anchorBatch(bytes32 root, uint32 leafCount, bytes32 manifestDigest) external;

    /**
     * @notice Revokes a whole batch with a reason code. Irreversible.
     * @dev The caller must be a current operator of the issuer that anchored the batch.
     * An issuer whose accreditation lapsed can still revoke what it issued.
     */
    function revokeBatch(bytes32 root, uint8 reason) external;

    /**
     * @notice Revokes credentials of a batch by leaf index, permanently. Already revoked indices are
     * accepted and stay revoked, so a retried transaction does not fail.
     * @dev Cost grows with the number of distinct 256-index words touched, not with the indices;
     * pass neighbouring indices in ascending order for the cheapest transaction.
     */
    function revokeCredentials(bytes32 root, uint256[] calldata indices, uint8 reason) external;

    /// @notice Suspends credentials of a batch by leaf index (reversible with `reinstateCredentials`).
    function suspendCredentials(bytes32 root, uint256[] calldata indices) external;

    /// @notice Lifts the suspension of credentials of a batch.
    function reinstateCredentials(bytes32 root, uint256[] calldata indices) external;

    /// @notice The batch record of `root` (status None if it was never anchored).
    function batchOf(bytes32 root) external view returns (Batch memory);

    /// @notice Whether credential `index` of batch `root` was revoked individually.
    function isRevoked(bytes32 root, uint256 index) external view returns (bool);

    /// @notice Whether credential `index` of batch `root` is currently suspended.
    function isSuspended(bytes32 root, uint256 index) external view returns (bool);

    /**
     * @notice The raw revocation and suspension bitmap words `[fromWord, fromWord + count)` of a batch,
     * for clients that check many credentials of one batch in a single call.
     */
    function statusWords(bytes32 root, uint256 fromWord, uint256 count)
        external
        view
        returns (uint256[] memory revoked, uint256[] memory suspended);

    /**
     * @notice Everything a verifier needs about batch `root`, in one call: the batch record, the
     * accreditation of its issuer as it stood when the batch was anchored, the issuer's profile
     * digest (what the accreditor recorded of its name and country), and the revocation and
     * suspension bitmap words at the word positions `words` (index / 256) of the credentials checked.
     * @dev For a root that was never anchored, `batch.status` is None, `accreditation.status` is None
     * and the digest and words are zero. Lets a verifier check many credentials of many batches with
     * one `eth_call` per batch, instead of four dependent calls.
     */
    function verificationOf(bytes32 root, uint256[] calldata words)
        external
        view
        returns (
            Batch memory batch,
            IAccreditationRegistry.Accreditation memory accreditation,
            bytes32 profileDigest,
            uint256[] memory revoked,
            uint256[] memory suspended
        );

    /**
     * @notice Whether `leaf` is included in the anchored batch `root` (OpenZeppelin MerkleProof,
     * sorted-pair keccak256). False for a root that was never anchored.
     */
    function verifyInclusion(bytes32 root, bytes32 leaf, bytes32[] calldata proof) external view returns (bool);
}
