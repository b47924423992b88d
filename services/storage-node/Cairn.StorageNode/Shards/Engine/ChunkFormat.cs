using System.Buffers.Binary;
using Cairn.StorageNode.Client;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// Extent file format (integers little-endian). An extent starts with a header and then holds chunk
/// frames (and, from v2, commit frames) back to back, with padding in between where data is page-aligned;
/// a chunk frame is self-describing, so a misdirected index entry or a stale copy is caught:
/// <code>
/// extent header v1: "CAIRNEXT" | u16 version=1 | u16 flags=0 | u32 extentId | u32 CRC32C(header so far)        (20 bytes)
/// extent header v2: "CAIRNEXT" | u16 version=2 | u16 flags=0 | u32 extentId | u64 salt | u32 CRC32C(so far)   (28 bytes)
/// chunk frame     : u32 magic "CHK1" | u16 version=1 | u16 idLength | u64 shardVersion | i64 shardOffset
///                   | u32 dataLength | u32 CRC32C(data) | id (UTF-8) | u32 CRC32C(frame header so far) | data
/// commit frame v2 : u64 salt | u32 magic "CMT1" | u32 payloadLength | u64 batchSeq | u32 CRC32C(all of it but
///                   this field) | payload = index records (<see cref="IndexLogFormat"/>)
/// </code>
/// One chunk frame holds one block of a shard; reads check both CRCs and that id, version and offset are the
/// ones the index expects before any byte leaves the store. A commit frame makes one commit batch durable
/// with the extent's own fsync (<see cref="GroupCommitter"/>); the salt is random per extent and never leaves
/// the disk, so shard data cannot forge a commit frame that the open-time scan would accept.
/// </summary>
public static class ChunkFormat
{
    public const ushort Version = 2;
    public const int V1HeaderBytes = 20;
    public const int ExtentHeaderBytes = 28;
    public const int FixedFrameHeaderBytes = 36; // without the id bytes
    public const int CommitHeaderBytes = 28;
    public const int PageBytes = 4096;
    public const uint FrameMagic = 0x314B4843; // "CHK1"
    public const uint CommitMagic = 0x31544D43; // "CMT1"
    public static ReadOnlySpan<byte> ExtentMagic => "CAIRNEXT"u8;

    public static int FrameHeaderBytes(int idLength) => FixedFrameHeaderBytes + idLength;

    /// <summary>Data of page-multiple blocks is placed on a page boundary, so a 4 KiB block is one page to read.</summary>
    public static bool AlignsData(int dataLength) => dataLength >= PageBytes && dataLength % PageBytes == 0;

    public static byte[] EncodeExtentHeader(uint extentId, ulong salt)
    {
        var header = new byte[ExtentHeaderBytes];
        ExtentMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), extentId);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), salt);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), Crc32C.Compute(header.AsSpan(0, 24)));
        return header;
    }

    /// <summary>
    /// Checks an extent header (v1 or v2; <paramref name="header"/> holds at least the v1 bytes) and returns its
    /// commit salt (null for v1, which has no commit frames); throws <see cref="ExtentFormatException"/> for a
    /// bad or newer one.
    /// </summary>
    public static ulong? CheckExtentHeader(ReadOnlySpan<byte> header, uint expectedId)
    {
        if (header.Length < V1HeaderBytes || !header[..8].SequenceEqual(ExtentMagic))
        {
            throw new ExtentFormatException($"extent {expectedId} has a bad header");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version > Version)
        {
            throw new ExtentFormatException($"extent {expectedId} has format version {version}; this node reads up to {Version}");
        }

        int crcAt = version == 1 ? 16 : 24;
        if (header.Length < crcAt + 4 || Crc32C.Compute(header[..crcAt]) != BinaryPrimitives.ReadUInt32LittleEndian(header[crcAt..]))
        {
            throw new ExtentFormatException($"extent {expectedId} has a bad header");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != expectedId)
        {
            throw new ExtentFormatException($"extent file {expectedId} names another extent");
        }

        return version == 1 ? null : BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
    }

    /// <summary>The header of a commit frame for <paramref name="payload"/>.</summary>
    public static byte[] EncodeCommitHeader(ulong salt, ulong batchSeq, ReadOnlySpan<byte> payload)
    {
        var header = new byte[CommitHeaderBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(header, salt);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), CommitMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), (uint)payload.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), batchSeq);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), Crc32C.Append(Crc32C.Compute(header.AsSpan(0, 24)), payload));
        return header;
    }

    /// <summary>The payload length a commit header announces, or -1 when it is not one of this extent's.</summary>
    public static int CommitPayloadLength(ReadOnlySpan<byte> header, ulong salt) =>
        BinaryPrimitives.ReadUInt64LittleEndian(header) == salt && BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) == CommitMagic
            && BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) <= IndexLogFormat.MaxFrameBytes
            ? (int)BinaryPrimitives.ReadUInt32LittleEndian(header[12..])
            : -1;

    /// <summary>Whether a commit frame is whole; returns its batch sequence number.</summary>
    public static bool CommitMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, out ulong batchSeq)
    {
        batchSeq = BinaryPrimitives.ReadUInt64LittleEndian(header[16..]);
        return Crc32C.Append(Crc32C.Compute(header[..24]), payload) == BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
    }

    /// <summary>Writes the frame header for one chunk into <paramref name="destination"/> (FrameHeaderBytes long).</summary>
    public static void EncodeFrameHeader(Span<byte> destination, ReadOnlySpan<byte> shardId, ulong shardVersion, long shardOffset, int dataLength, uint dataCrc)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, FrameMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], 1); // the chunk frame is unchanged since v1
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
