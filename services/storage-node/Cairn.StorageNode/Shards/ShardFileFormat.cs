using System.Buffers.Binary;
using System.Text;
using Cairn.StorageNode.Client;

namespace Cairn.StorageNode.Shards;

/// <summary>
/// The first layout's format, kept only so <see cref="LegacyShardImport"/> can read old disks.
/// On-disk format v1 of one shard file (all integers little-endian):
/// <code>
/// header : "CAIRNSHD" | u16 version=1 | u16 flags=0 | u32 headerLength | u32 blockSize | u32 reserved=0
///          | i64 createdUnixMs | u16 idLength | id (UTF-8) | u32 CRC32C(header so far)
/// blocks : { u32 dataLength | u32 CRC32C(data) | data } x blocks   (all but the last hold blockSize bytes)
/// trailer: "CAIRNEND" | u64 length | u32 blocks | u32 CRC32C(trailer so far)
/// </code>
/// Fixed-size frames make block i addressable without an index; the trailer is written last, so a file
/// cut short anywhere fails its structural check even though it is only ever renamed into place complete.
/// </summary>
public static class ShardFileFormat
{
    public const ushort Version = 1;
    public const int FrameHeaderBytes = 8;
    public const int TrailerBytes = 24;
    public const int FixedHeaderBytes = 38; // header without the id bytes
    public static ReadOnlySpan<byte> HeaderMagic => "CAIRNSHD"u8;
    public static ReadOnlySpan<byte> TrailerMagic => "CAIRNEND"u8;

    public static byte[] EncodeHeader(ReadOnlySpan<byte> shardId, int blockSize, long createdUnixMs)
    {
        var header = new byte[FixedHeaderBytes + shardId.Length];
        var span = header.AsSpan();
        HeaderMagic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)header.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)blockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], createdUnixMs);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], (ushort)shardId.Length);
        shardId.CopyTo(span[34..]);
        int crcAt = 34 + shardId.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(span[crcAt..], Crc32C.Compute(span[..crcAt]));
        return header;
    }

    public static void EncodeFrameHeader(Span<byte> destination, int dataLength, uint crc)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], crc);
    }

    public static byte[] EncodeTrailer(long length, int blocks)
    {
        var trailer = new byte[TrailerBytes];
        var span = trailer.AsSpan();
        TrailerMagic.CopyTo(span);
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], (ulong)length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], (uint)blocks);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], Crc32C.Compute(span[..20]));
        return trailer;
    }

    public static long FileBytes(int headerLength, long length, int blocks) =>
        headerLength + ((long)blocks * FrameHeaderBytes) + length + TrailerBytes;

    public static long FrameOffset(int headerLength, int blockSize, long blockIndex) =>
        headerLength + (blockIndex * (FrameHeaderBytes + (long)blockSize));

    /// <summary>Parses and checks a header; <paramref name="source"/> may hold more bytes than the header.</summary>
    public static ParsedHeader ParseHeader(ReadOnlySpan<byte> source, string expectedId)
    {
        if (source.Length < FixedHeaderBytes || !source[..8].SequenceEqual(HeaderMagic))
        {
            throw new ShardDamagedException(expectedId, "bad header magic");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(source[8..]);
        if (version > Version)
        {
            throw new UnsupportedShardFormatException(expectedId, version);
        }

        int headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(source[12..]);
        int idLength = BinaryPrimitives.ReadUInt16LittleEndian(source[32..]);
        if (headerLength != FixedHeaderBytes + idLength || headerLength > source.Length)
        {
            throw new ShardDamagedException(expectedId, "bad header length");
        }

        int crcAt = headerLength - 4;
        if (Crc32C.Compute(source[..crcAt]) != BinaryPrimitives.ReadUInt32LittleEndian(source[crcAt..]))
        {
            throw new ShardDamagedException(expectedId, "header CRC32C mismatch");
        }

        int blockSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(source[16..]);
        if (blockSize <= 0)
        {
            throw new ShardDamagedException(expectedId, "bad block size");
        }

        string id = Encoding.UTF8.GetString(source.Slice(34, idLength));
        return new ParsedHeader(id, headerLength, blockSize, BinaryPrimitives.ReadInt64LittleEndian(source[24..]));
    }

    public static (long Length, int Blocks) ParseTrailer(ReadOnlySpan<byte> trailer, string shardId)
    {
        if (trailer.Length != TrailerBytes || !trailer[..8].SequenceEqual(TrailerMagic)
            || Crc32C.Compute(trailer[..20]) != BinaryPrimitives.ReadUInt32LittleEndian(trailer[20..]))
        {
            throw new ShardDamagedException(shardId, "bad trailer");
        }

        return ((long)BinaryPrimitives.ReadUInt64LittleEndian(trailer[8..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(trailer[16..]));
    }

    public static (int Length, uint Crc) ParseFrameHeader(ReadOnlySpan<byte> frame) =>
        ((int)BinaryPrimitives.ReadUInt32LittleEndian(frame), BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]));
}

public readonly record struct ParsedHeader(string ShardId, int HeaderLength, int BlockSize, long CreatedUnixMs);

/// <summary>Written by a newer release: refused rather than misread (FailedPrecondition).</summary>
public sealed class UnsupportedShardFormatException(string shardId, int version)
    : Exception($"shard '{shardId}' has format version {version}; this node reads up to {ShardFileFormat.Version}");
