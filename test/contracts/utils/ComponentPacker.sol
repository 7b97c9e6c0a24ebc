// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IStackingRegistry} from "../../../contracts/interfaces/IStackingRegistry.sol";
import {CredentialLeaf} from "../../../contracts/libraries/CredentialLeaf.sol";

/// @dev One anchored component: its issuer, batch root, public fields and proof.
struct Component {
    address issuer;
    bytes32 root;
    CredentialLeaf.Fields fields;
    bytes32[] proof;
}

/// @dev The SDK's packing of claim components (docs/spec.md §13.3), written again in Solidity for the tests.
library ComponentPacker {
    /**
     * @dev Packs components the way the SDK does: issuers ascending, the listed achievements first
     * in the pathway's order, then the unlisted ones ascending.
     */
    function pack(Component[] memory cs, IStackingRegistry.PathwayLists memory lists) internal pure returns (bytes memory) {
        address[] memory issuers = new address[](cs.length);
        uint256 ni;
        for (uint256 i = 0; i < cs.length; ++i) {
            if (_indexOf(issuers, ni, cs[i].issuer) == type(uint256).max) issuers[ni++] = cs[i].issuer;
        }
        _sortAddresses(issuers, ni);
        bytes32[] memory table = new bytes32[](lists.achievementIds.length + cs.length);
        uint256 na = lists.achievementIds.length;
        for (uint256 i = 0; i < na; ++i) table[i] = lists.achievementIds[i];
        uint256 firstExtra = na;
        for (uint256 i = 0; i < cs.length; ++i) {
            if (_indexOf32(table, na, cs[i].fields.achievementId) == type(uint256).max) table[na++] = cs[i].fields.achievementId;
        }
        _sortBytes32(table, firstExtra, na);
        bytes memory out = abi.encodePacked(uint8(ni));
        for (uint256 i = 0; i < ni; ++i) out = abi.encodePacked(out, issuers[i]);
        out = abi.encodePacked(out, uint8(na));
        for (uint256 i = 0; i < na; ++i) out = abi.encodePacked(out, table[i]);
        out = abi.encodePacked(out, uint8(cs.length));
        for (uint256 i = 0; i < cs.length; ++i) out = abi.encodePacked(out, _packOne(cs[i], issuers, ni, table, na));
        return out;
    }

    function _packOne(Component memory c, address[] memory issuers, uint256 ni, bytes32[] memory table, uint256 na)
        private
        pure
        returns (bytes memory)
    {
        CredentialLeaf.Fields memory f = c.fields;
        bytes memory head = abi.encodePacked(
            uint8(_indexOf(issuers, ni, c.issuer)),
            uint8(_indexOf32(table, na, f.achievementId)),
            c.root,
            uint32(f.index),
            f.creditsCenti,
            f.eqfLevel,
            f.awardedAt,
            f.credentialDigest,
            uint8(c.proof.length)
        );
        return abi.encodePacked(head, c.proof);
    }

    function _indexOf(address[] memory a, uint256 n, address x) private pure returns (uint256) {
        for (uint256 i = 0; i < n; ++i) if (a[i] == x) return i;
        return type(uint256).max;
    }

    function _indexOf32(bytes32[] memory a, uint256 n, bytes32 x) private pure returns (uint256) {
        for (uint256 i = 0; i < n; ++i) if (a[i] == x) return i;
        return type(uint256).max;
    }

    function _sortAddresses(address[] memory a, uint256 n) private pure {
        for (uint256 i = 1; i < n; ++i) {
            for (uint256 j = i; j > 0 && a[j - 1] > a[j]; --j) (a[j - 1], a[j]) = (a[j], a[j - 1]);
        }
    }

    function _sortBytes32(bytes32[] memory a, uint256 from, uint256 to) private pure {
        for (uint256 i = from + 1; i < to; ++i) {
            for (uint256 j = i; j > from && a[j - 1] > a[j]; --j) (a[j - 1], a[j]) = (a[j], a[j - 1]);
        }
    }
}
