using System.Buffers.Binary;
using Cairn.StorageNode.Client;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// Extent file format v1 (integers little-endian). An extent starts with a header and then holds chunk
/// frames back to back; a frame is self-describing, so a misdirected index entry or a stale copy is caught:
/// <code>
/// extent header: "CAIRNEXT" | u16 version=1 | u16 flags=0 | u32 extentId | u32 CRC32C(header so far)      (20 bytes)
/// chunk frame  : u32 magic "CHK1" | u16 version=1 | u16 idLength | u64 shardVersion | i64 shardOffset
///                | u32 dataLength | u32 CRC32C(data) | id (UTF-8) | u32 CRC32C(frame header so far) | data
/// </code>
/// One frame holds one block of a shard; reads check both CRCs and that id, version and offset are the ones
/// the index expects before any byte leaves the store.
/// </summary>
public static class ChunkFormat
{
    public const ushort Version = 1;
    public const int ExtentHeaderBytes = 20;
    public const int FixedFrameHeaderBytes = 36; // without the id bytes
    public const uint FrameMagic = 0x314B4843; // "CHK1"
    public static ReadOnlySpan<byte> ExtentMagic => "CAIRNEXT"u8;

    public static int FrameHeaderBytes(int idLength) => FixedFrameHeaderBytes + idLength;

    public static byte[] EncodeExtentHeader(uint extentId)
    {
        var header = new byte[ExtentHeaderBytes];
        ExtentMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), extentId);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), Crc32C.Compute(header.AsSpan(0, 16)));
        return header;
    }

    /// <summary>Checks an extent header; throws <see cref="ExtentFormatException"/> for a bad or newer one.</summary>
    public static void CheckExtentHeader(ReadOnlySpan<byte> header, uint expectedId)
    {
        if (header.Length < ExtentHeaderBytes || !header[..8].SequenceEqual(ExtentMagic)
            || Crc32C.Compute(header[..16]) != BinaryPrimitives.ReadUInt32LittleEndian(header[16..]))
        {
            throw new ExtentFormatException($"extent {expectedId} has a bad header");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version > Version)
        {
            throw new ExtentFormatException($"extent {expectedId} has format version {version}; this node reads up to {Version}");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != expectedId)
        {
            throw new ExtentFormatException($"extent file {expectedId} names another extent");
        }
    }

    /// <summary>Writes the frame header for one chunk into <paramref name="destination"/> (FrameHeaderBytes long).</summary>
    public static void EncodeFrameHeader(Span<byte> destination, ReadOnlySpan<byte> shardId, ulong shardVersion, long shardOffset, int dataLength, uint dataCrc)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, FrameMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)shardId.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], shardVersion);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], shardOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], (uint)dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], dataCrc);
        shardId.CopyTo(destination[32..]);
        int crcAt = 32 + shardId.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[crcAt..], Crc32C.Compute(destination[..crcAt]));
    }

    /// <summary>
    /// Verifies a whole frame read from disk against what the index expects; returns the data CRC, or null
    /// with <paramref name="reason"/> set when anything disagrees.
    /// </summary>
    public static uint? Verify(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> shardId, ulong shardVersion, long shardOffset, int dataLength, out string reason)
    {
        int headerBytes = FrameHeaderBytes(shardId.Length);
        reason = "";
        if (frame.Length != headerBytes + dataLength || BinaryPrimitives.ReadUInt32LittleEndian(frame) != FrameMagic)
        {
            reason = "chunk frame missing or truncated";
            return null;
        }

        int crcAt = headerBytes - 4;
        if (Crc32C.Compute(frame[..crcAt]) != BinaryPrimitives.ReadUInt32LittleEndian(frame[crcAt..]))
        {
            reason = "chunk header fails its CRC32C";
            return null;
        }

        bool matches = BinaryPrimitives.ReadUInt16LittleEndian(frame[6..]) == shardId.Length
            && frame.Slice(32, shardId.Length).SequenceEqual(shardId)
            && BinaryPrimitives.ReadUInt64LittleEndian(frame[8..]) == shardVersion
            && BinaryPrimitives.ReadInt64LittleEndian(frame[16..]) == shardOffset
            && BinaryPrimitives.ReadUInt32LittleEndian(frame[24..]) == (uint)dataLength;
        if (!matches)
        {
            reason = "chunk belongs to another shard, version or offset";
            return null;
        }

        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(frame[28..]);
        if (Crc32C.Compute(frame[headerBytes..]) != crc)
        {
            reason = "chunk data fails its CRC32C";
            return null;
        }

        return crc;
    }
}

/// <summary>An extent or index file that is damaged or written by a newer release.</summary>
public sealed class ExtentFormatException(string message) : Exception(message);
