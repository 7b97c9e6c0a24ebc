// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @title Gas baselines
 * @notice Not part of the registry: the smallest possible contracts for the operations the registry
 * performs, deployed by `npm run gas` beside it so that the report shows what access control,
 * history and events cost on top of the bare storage writes. Never deploy these anywhere else.
 */

/// @notice A bare anchor: one mapping write and one event, no access control.
contract BareAnchor {
    mapping(bytes32 root => uint256 anchoredAt) private _anchoredAt;

    /// @notice Emitted for every anchor.
    event Anchored(bytes32 indexed root, uint256 anchoredAt);

    /// @notice Records `root` with the current time.
    function anchor(bytes32 root) external {
        _anchoredAt[root] = block.timestamp;
        emit Anchored(root, block.timestamp);
    }
}

/// @notice A minimal revocation bitmap: one batch, no root, no access control, no event.
contract MinimalBitmap {
    mapping(uint256 word => uint256 bits) private _bits;

    /// @notice Sets bit `index`.
    function revoke(uint256 index) external {
        _bits[index >> 8] |= 1 << (index & 0xff);
    }

    /// @notice Sets the bits of `indices`, one storage write per index.
    function revokeMany(uint256[] calldata indices) external {
        for (uint256 i = 0; i < indices.length; ++i) {
            _bits[indices[i] >> 8] |= 1 << (indices[i] & 0xff);
        }
    }
}

/// @notice Per-credential revocation as a mapping of booleans (as in OpenAttestation's DocumentStore).
contract BooleanRevocations {
    mapping(bytes32 credential => bool revoked) private _revoked;

    /// @notice Emitted for every revocation.
    event Revoked(bytes32 indexed credential);

    /// @notice Revokes each of `credentials`.
    function revokeMany(bytes32[] calldata credentials) external {
        for (uint256 i = 0; i < credentials.length; ++i) {
            _revoked[credentials[i]] = true;
            emit Revoked(credentials[i]);
        }
    }
}
