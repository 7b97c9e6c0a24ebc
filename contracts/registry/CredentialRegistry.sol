// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {AccreditationRegistry} from "../accreditation/AccreditationRegistry.sol";
import {CredentialLeaf} from "../libraries/CredentialLeaf.sol";
import {ICredentialRegistry} from "../interfaces/ICredentialRegistry.sol";

/**
 * @title CredentialRegistry
 * @notice The credstack registry: batches of credentials anchored as Merkle roots by operators of
 * accredited issuers, with batch and per-credential revocation and suspension.
 *
 * @dev Accreditation lives in {AccreditationRegistry}, inherited rather than called: a call to a
 * separate contract costs a cold account access (2,600 gas) plus its own cold reads, which would
 * push anchoring past its 50k gas budget. Both concepts are deployed at one address.
 *
 * Revocation and suspension are bitmaps keyed by (root, index / 256): one storage word covers 256
 * neighbouring credentials, so revoking many neighbours costs little more than revoking one.
 */
contract CredentialRegistry is AccreditationRegistry, ICredentialRegistry {
    /// @dev One slot per batch, packed by hand (see _packBatch) so that reading it costs one SLOAD:
    /// issuer | anchoredAt | leafCount | status | revocationReason.
    mapping(bytes32 root => uint256 packed) private _batches;
    mapping(bytes32 root => mapping(uint256 word => uint256 bits)) private _revoked;
    mapping(bytes32 root => mapping(uint256 word => uint256 bits)) private _suspended;

    /// @param admin Governance admin: grants and revokes ACCREDITOR_ROLE.
    constructor(address admin) AccreditationRegistry(admin) {}

    // ------------------------------------------------------------------ issuing

    /// @inheritdoc ICredentialRegistry
    function anchorBatch(bytes32 root, uint32 leafCount, bytes32 manifestDigest) external {
        if (root == bytes32(0)) revert InvalidRoot();
        if (leafCount == 0) revert EmptyBatch();
        address issuer = _requireAnchoringOperator();
        if (_batches[root] != 0) revert BatchAlreadyAnchored(root);
        _batches[root] = _packBatch(issuer, uint40(block.timestamp), leafCount, BatchStatus.Active, 0);
        emit BatchAnchored(root, issuer, leafCount, manifestDigest);
    }

    // ------------------------------------------------------------------ status changes

    /// @inheritdoc ICredentialRegistry
    function revokeBatch(bytes32 root, uint8 reason) external {
        (address issuer, ) = _requireBatchOperator(root);
        uint256 packed = _batches[root];
        _batches[root] = _packBatch(issuer, uint40(packed >> 160), uint32(packed >> 200), BatchStatus.Revoked, reason);
        emit BatchRevoked(root, issuer, reason);
    }

    /// @inheritdoc ICredentialRegistry
    function revokeCredentials(bytes32 root, uint256[] calldata indices, uint8 reason) external {
        (address issuer, uint32 leafCount) = _requireBatchOperator(root);
        _setBits(_revoked[root], root, indices, leafCount, true);
        emit CredentialsRevoked(root, issuer, reason, indices);
    }

    /// @inheritdoc ICredentialRegistry
    function suspendCredentials(bytes32 root, uint256[] calldata indices) external {
        (address issuer, uint32 leafCount) = _requireBatchOperator(root);
        _setBits(_suspended[root], root, indices, leafCount, true);
        emit CredentialsSuspended(root, issuer, indices);
    }

    /// @inheritdoc ICredentialRegistry
    function reinstateCredentials(bytes32 root, uint256[] calldata indices) external {
        (address issuer, uint32 leafCount) = _requireBatchOperator(root);
        _setBits(_suspended[root], root, indices, leafCount, false);
        emit CredentialsReinstated(root, issuer, indices);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ICredentialRegistry
    function batchOf(bytes32 root) external view returns (Batch memory) {
        return _batch(root);
    }

    /// @inheritdoc ICredentialRegistry
    function isRevoked(bytes32 root, uint256 index) external view returns (bool) {
        return (_revoked[root][index >> 8] >> (index & 0xff)) & 1 == 1;
    }

    /// @inheritdoc ICredentialRegistry
    function isSuspended(bytes32 root, uint256 index) external view returns (bool) {
        return (_suspended[root][index >> 8] >> (index & 0xff)) & 1 == 1;
    }

    /// @inheritdoc ICredentialRegistry
    function statusWords(
        bytes32 root,
        uint256 fromWord,
        uint256 count
    ) external view returns (uint256[] memory revoked, uint256[] memory suspended) {
        revoked = new uint256[](count);
        suspended = new uint256[](count);
        mapping(uint256 => uint256) storage r = _revoked[root];
        mapping(uint256 => uint256) storage s = _suspended[root];
        for (uint256 i = 0; i < count; ++i) {
            revoked[i] = r[fromWord + i];
            suspended[i] = s[fromWord + i];
        }
    }

    /// @inheritdoc ICredentialRegistry
    function verificationOf(
        bytes32 root,
        uint256[] calldata words
    )
        external
        view
        returns (
            Batch memory batch,
            Accreditation memory accreditation,
            bytes32 profileDigest,
            uint256[] memory revoked,
            uint256[] memory suspended
        )
    {
        batch = _batch(root);
        if (batch.status != BatchStatus.None) {
            accreditation = accreditationAt(batch.issuer, batch.anchoredAt);
            (profileDigest, ) = issuerProfile(batch.issuer);
        }
        revoked = new uint256[](words.length);
        suspended = new uint256[](words.length);
        mapping(uint256 => uint256) storage r = _revoked[root];
        mapping(uint256 => uint256) storage s = _suspended[root];
        for (uint256 i = 0; i < words.length; ++i) {
            revoked[i] = r[words[i]];
            suspended[i] = s[words[i]];
        }
    }

    /// @inheritdoc ICredentialRegistry
    function verifyInclusion(bytes32 root, bytes32 leaf, bytes32[] calldata proof) external view returns (bool) {
        return _batches[root] != 0 && MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /**
     * @notice The leaf of a credential with public fields `fields`, bound to this registry and chain
     * (see {CredentialLeaf}). Lets clients and contracts recompute a leaf before checking its proof.
     */
    function leafOf(CredentialLeaf.Fields calldata fields) external view returns (bytes32) {
        return CredentialLeaf.hash(block.chainid, address(this), fields);
    }

    // ------------------------------------------------------------------ internal

    /// @dev The unpacked record of `root` (see _packBatch).
    function _batch(bytes32 root) private view returns (Batch memory) {
        uint256 packed = _batches[root];
        return
            Batch({
                issuer: address(uint160(packed)),
                anchoredAt: uint40(packed >> 160),
                leafCount: uint32(packed >> 200),
                status: BatchStatus(uint8(packed >> 232)),
                revocationReason: uint8(packed >> 240)
            });
    }

    /// @dev The caller must be a current operator of the issuer that anchored `root`, which must not be revoked.
    function _requireBatchOperator(bytes32 root) private view returns (address issuer, uint32 leafCount) {
        issuer = _requireOperator();
        uint256 packed = _batches[root];
        if (packed == 0) revert UnknownBatch(root);
        if (address(uint160(packed)) != issuer) revert NotBatchIssuer(root, issuer);
        if (BatchStatus(uint8(packed >> 232)) == BatchStatus.Revoked) revert BatchIsRevoked(root);
        leafCount = uint32(packed >> 200);
    }

    function _packBatch(
        address issuer,
        uint40 anchoredAt,
        uint32 leafCount,
        BatchStatus status,
        uint8 reason
    ) private pure returns (uint256) {
        return
            uint256(uint160(issuer)) |
            (uint256(anchoredAt) << 160) |
            (uint256(leafCount) << 200) |
            (uint256(uint8(status)) << 232) |
            (uint256(reason) << 240);
    }

    /**
     * @dev Sets (or clears) the bits of `indices` in `bitmap`, writing each 256-bit word once per run
     * of indices that fall in the same word.
     */
    function _setBits(
        mapping(uint256 => uint256) storage bitmap,
        bytes32 root,
        uint256[] calldata indices,
        uint32 leafCount,
        bool value
    ) private {
        uint256 n = indices.length;
        if (n == 0) revert NoIndices();
        uint256 wordIndex = type(uint256).max;
        uint256 word;
        for (uint256 i = 0; i < n; ++i) {
            uint256 index = indices[i];
            if (index >= leafCount) revert IndexOutOfRange(root, index, leafCount);
            uint256 w = index >> 8;
            if (w != wordIndex) {
                if (wordIndex != type(uint256).max) bitmap[wordIndex] = word;
                wordIndex = w;
                word = bitmap[w];
            }
            uint256 mask = 1 << (index & 0xff);
            word = value ? word | mask : word & ~mask;
        }
        bitmap[wordIndex] = word;
    }
}
