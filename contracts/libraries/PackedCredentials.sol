// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CredentialLeaf} from "./CredentialLeaf.sol";

/**
 * @title PackedCredentials
 * @notice The lean calldata encoding of several credentials of one holder, with their batch roots
 * and Merkle proofs (docs/spec.md §13.3), read by the registry's batched safe check and by the
 * stacking contract. Calldata is what a claim pays for (EIP-7623 charges at least 40 gas per
 * non-zero byte), so nothing is sent twice: issuers and achievement ids are tables in a header,
 * each credential names them by a one-byte index, and numbers take the bytes their type needs.
 *
 *   packed     := nIssuers:u8 ‖ issuer:address[nIssuers] ‖ nAchievements:u8 ‖ achievementId:bytes32[nAchievements]
 *                 ‖ nCredentials:u8 ‖ credential[nCredentials]
 *   credential := issuerIndex:u8 ‖ achievementIndex:u8 ‖ root:bytes32 ‖ index:u32 ‖ creditsCenti:u32
 *                 ‖ eqfLevel:u8 ‖ awardedAt:u40 ‖ credentialDigest:bytes32 ‖ depth:u8 ‖ proof:bytes32[depth]
 *
 * Every integer is big-endian. The holder is not in the encoding: a reader supplies it (the
 * claimant), so a credential of any other holder fails its proof. A reader refuses an index past
 * its table, a proof deeper than {MAX_DEPTH}, a credential past the end and any trailing byte.
 *
 * @dev Offsets are absolute calldata positions; a {Credential} is filled in place so that reading
 * many credentials allocates no memory per credential.
 */
library PackedCredentials {
    /// @notice The deepest proof accepted: a batch holds at most 2^32 credentials.
    uint256 internal constant MAX_DEPTH = 32;

    /// @dev Bytes of a credential before its proof.
    uint256 private constant FIXED = 81;

    /// @notice The encoding is malformed at byte `offset` of the packed bytes.
    error MalformedPackedCredentials(uint256 offset);

    /// @notice Where the tables and credentials start (absolute calldata offsets) and how many there are.
    struct Header {
        uint256 start;
        uint256 end;
        uint256 issuers;
        uint256 issuerCount;
        uint256 achievements;
        uint256 achievementCount;
        uint256 first;
        uint256 count;
    }

    /// @notice One credential's public fields, where its proof starts and how deep it is, and where
    /// the next credential starts.
    struct Credential {
        uint256 issuerIndex;
        uint256 achievementIndex;
        bytes32 root;
        uint256 index;
        uint256 creditsCenti;
        uint256 eqfLevel;
        uint256 awardedAt;
        bytes32 credentialDigest;
        uint256 proof;
        uint256 depth;
        uint256 next;
    }

    /// @notice Reads the header of `packed`.
    function header(bytes calldata packed) internal pure returns (Header memory h) {
        uint256 start;
        assembly ("memory-safe") {
            start := packed.offset
        }
        h.start = start;
        h.end = start + packed.length;
        if (packed.length < 3) revert MalformedPackedCredentials(packed.length);
        h.issuerCount = _u8(start);
        h.issuers = start + 1;
        uint256 pos = h.issuers + 20 * h.issuerCount;
        if (pos + 1 > h.end) revert MalformedPackedCredentials(pos - start);
        h.achievementCount = _u8(pos);
        h.achievements = pos + 1;
        pos = h.achievements + 32 * h.achievementCount;
        if (pos + 1 > h.end) revert MalformedPackedCredentials(pos - start);
        h.count = _u8(pos);
        h.first = pos + 1;
        if (h.count == 0 && h.first != h.end) revert MalformedPackedCredentials(h.first - start);
    }

    /**
     * @notice Reads the credential at `pos` into `c`; `pos` is `h.first`, then the previous
     * credential's `next`. Reverts if it names a table entry that does not exist or runs past the
     * end; the last credential must end exactly at the end.
     */
    function read(Header memory h, uint256 pos, uint256 i, Credential memory c) internal pure {
        uint256 bad; // the offset (+1) of the first malformed byte, or 0
        assembly ("memory-safe") {
            let end := mload(add(h, 0x20))
            switch gt(add(pos, FIXED), end)
            case 1 {
                bad := add(pos, 1)
            }
            default {
                let w := calldataload(pos)
                let issuerIndex := shr(248, w)
                let achievementIndex := and(shr(240, w), 0xff)
                let v := calldataload(add(pos, 34))
                let depth := shr(248, calldataload(add(pos, 80)))
                let proof := add(pos, FIXED)
                let next := add(proof, shl(5, depth))
                mstore(c, issuerIndex)
                mstore(add(c, 0x20), achievementIndex)
                mstore(add(c, 0x40), calldataload(add(pos, 2)))
                mstore(add(c, 0x60), shr(224, v)) // index
                mstore(add(c, 0x80), and(shr(192, v), 0xffffffff)) // creditsCenti
                mstore(add(c, 0xa0), and(shr(184, v), 0xff)) // eqfLevel
                mstore(add(c, 0xc0), and(shr(144, v), 0xffffffffff)) // awardedAt
                mstore(add(c, 0xe0), calldataload(add(pos, 48)))
                mstore(add(c, 0x100), proof)
                mstore(add(c, 0x120), depth)
                mstore(add(c, 0x140), next)
                // mload(add(h, 0x60)) = issuerCount, 0xa0 = achievementCount, 0xe0 = count
                if iszero(lt(issuerIndex, mload(add(h, 0x60)))) { bad := add(pos, 1) }
                if and(iszero(bad), iszero(lt(achievementIndex, mload(add(h, 0xa0))))) { bad := add(pos, 2) }
                if and(iszero(bad), gt(depth, MAX_DEPTH)) { bad := add(pos, 81) }
                if and(iszero(bad), or(gt(next, end), and(eq(add(i, 1), mload(add(h, 0xe0))), iszero(eq(next, end))))) {
                    bad := add(next, 1)
                }
            }
        }
        if (bad != 0) revert MalformedPackedCredentials(bad - 1 - h.start);
    }

    /**
     * @notice {read} without its checks, for a reader that already had the same bytes checked (the
     * stacking contract after the registry's `checkCredentials` of them): the public fields and the
     * start of the next credential (not the proof's start and depth).
     */
    function readChecked(uint256 pos, Credential memory c) internal pure {
        assembly ("memory-safe") {
            let w := calldataload(pos)
            let v := calldataload(add(pos, 34))
            mstore(c, shr(248, w))
            mstore(add(c, 0x20), and(shr(240, w), 0xff))
            mstore(add(c, 0x40), calldataload(add(pos, 2)))
            mstore(add(c, 0x60), shr(224, v))
            mstore(add(c, 0x80), and(shr(192, v), 0xffffffff))
            mstore(add(c, 0xa0), and(shr(184, v), 0xff))
            mstore(add(c, 0xc0), and(shr(144, v), 0xffffffffff))
            mstore(add(c, 0xe0), calldataload(add(pos, 48)))
            mstore(add(c, 0x140), add(add(pos, FIXED), shl(5, shr(248, calldataload(add(pos, 80))))))
        }
    }

    /// @notice Issuer `i` of the table.
    function issuerAt(Header memory h, uint256 i) internal pure returns (address issuer) {
        uint256 pos = h.issuers + 20 * i;
        assembly ("memory-safe") {
            issuer := shr(96, calldataload(pos))
        }
    }

    /// @notice Achievement id `i` of the table.
    function achievementAt(Header memory h, uint256 i) internal pure returns (bytes32 id) {
        uint256 pos = h.achievements + 32 * i;
        assembly ("memory-safe") {
            id := calldataload(pos)
        }
    }

    /**
     * @notice The leaf of `c` for `holder`, issued by `issuer` for `registry` on chain `chainId`:
     * the same value as {CredentialLeaf-hash}, built in scratch memory.
     */
    function leaf(
        Credential memory c,
        uint256 chainId,
        address registry,
        address issuer,
        bytes32 achievementId,
        address holder
    ) internal pure returns (bytes32 result) {
        bytes32 tag = CredentialLeaf.LEAF_TAG;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, tag)
            mstore(add(m, 0x20), chainId)
            mstore(add(m, 0x40), registry)
            mstore(add(m, 0x60), issuer)
            mstore(add(m, 0x80), mload(add(c, 0x60))) // index
            mstore(add(m, 0xa0), achievementId)
            mstore(add(m, 0xc0), mload(add(c, 0x80))) // creditsCenti
            mstore(add(m, 0xe0), mload(add(c, 0xa0))) // eqfLevel
            mstore(add(m, 0x100), mload(add(c, 0xc0))) // awardedAt
            mstore(add(m, 0x120), holder)
            mstore(add(m, 0x140), mload(add(c, 0xe0))) // credentialDigest
            mstore(0x00, keccak256(m, 0x160))
            result := keccak256(0x00, 0x20)
        }
    }

    /// @notice The root `c`'s proof leads to from `leaf_`: sorted pairs, as OpenZeppelin's {MerkleProof}.
    function rootOf(Credential memory c, bytes32 leaf_) internal pure returns (bytes32 computed) {
        uint256 pos = c.proof;
        uint256 end = c.next;
        assembly ("memory-safe") {
            computed := leaf_
            // Branchless sorted pair (as Solady's MerkleProofLib): the smaller word goes first.
            for {} lt(pos, end) { pos := add(pos, 0x20) } {
                let sibling := calldataload(pos)
                let scratch := shl(5, gt(computed, sibling))
                mstore(scratch, computed)
                mstore(xor(scratch, 0x20), sibling)
                computed := keccak256(0x00, 0x40)
            }
        }
    }

    function _u8(uint256 pos) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(248, calldataload(pos))
        }
    }
}
