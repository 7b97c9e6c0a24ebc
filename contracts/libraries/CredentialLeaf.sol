// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @title CredentialLeaf
 * @notice The Merkle leaf of a credstack credential (format v3, docs/spec.md §4), as built off chain
 * by `src/batch/leaf.ts`:
 *
 *   keccak256(bytes.concat(keccak256(abi.encode(LEAF_TAG, chainId, registry, issuer, index,
 *       achievementId, creditsCenti, eqfLevel, awardedAt, holder, credentialDigest))))
 *
 * Double hashing keeps a 64-byte inner node from passing as a leaf; the tag, chain id and registry
 * stop replay elsewhere; the issuer stops another issuer's copy of a root from passing for the
 * original (a copy's leaves name the original issuer, never the copier); the index pins revocation
 * bits to this credential; the public fields let a contract (stacking) check what a credential is
 * worth without seeing any personal data.
 */
library CredentialLeaf {
    /// @dev keccak256("credstack.leaf.v3")
    bytes32 internal constant LEAF_TAG = keccak256("credstack.leaf.v3");

    /// @notice The public fields of a credential leaf (its issuer is the batch's, given apart).
    struct Fields {
        uint256 index;
        bytes32 achievementId;
        uint32 creditsCenti;
        uint8 eqfLevel;
        uint40 awardedAt;
        address holder;
        bytes32 credentialDigest;
    }

    /// @notice The leaf of `f`, issued by `issuer`, for the registry at `registry` on chain `chainId`.
    function hash(uint256 chainId, address registry, address issuer, Fields memory f) internal pure returns (bytes32) {
        return
            keccak256(
                bytes.concat(
                    keccak256(
                        abi.encode(
                            LEAF_TAG,
                            chainId,
                            registry,
                            issuer,
                            f.index,
                            f.achievementId,
                            f.creditsCenti,
                            f.eqfLevel,
                            f.awardedAt,
                            f.holder,
                            f.credentialDigest
                        )
                    )
                )
            );
    }
}
