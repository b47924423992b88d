using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Cairn.StorageNode.Client;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// Index log format v2 (integers little-endian; v1 logs are read and rewritten as v2 at open). The log is a
/// sequence of frames, each written by one pwrite and made durable by one fsync before the next is written,
/// so a crash tears at most the last frame. The same records are the payload of an extent's commit frame:
/// <code>
/// frame   : u32 magic "IXB1" | u32 payloadLength | u32 CRC32C(payload) | payload = record*
/// header  : u8 0 | "CAIRNIDX" | u16 version=2 | u64 nextShardVersion        (alone in the first frame)
/// put     : u8 1 | u64 version | i64 length | u32 blockSize | i64 createdUnixMs | u16 idLength | id | u32 n | chunk*n
/// put2    : u8 5 | as put, but every chunk is followed by u32 CRC32C(chunk data)                       (v2)
/// mark    : u8 6 | u64 batchSeq | u32 extentId | i64 offset   (see <see cref="MarkRecord"/>)           (v2)
/// delete  : u8 2 | u16 idLength | id
/// relocate: u8 3 | u64 version | u16 idLength | id | u32 n | chunk*n
/// seal    : u8 4
/// chunk   : u32 extentId | i64 offset
/// </code>
/// </summary>
public static class IndexLogFormat
{
    public const ushort Version = 2;
    public const int FrameHeaderBytes = 12;
    public const uint FrameMagic = 0x31425849; // "IXB1"
    public const int MaxFrameBytes = 64 * 1024 * 1024;
    private const byte HeaderType = 0, PutType = 1, DeleteType = 2, RelocateType = 3, SealType = 4, Put2Type = 5, MarkType = 6;
    private static ReadOnlySpan<byte> LogMagic => "CAIRNIDX"u8;

    public static void WriteHeader(ArrayBufferWriter<byte> payload, ulong nextVersion)
    {
        var span = payload.GetSpan(19);
        span[0] = HeaderType;
        LogMagic.CopyTo(span[1..]);
        BinaryPrimitives.WriteUInt16LittleEndian(span[9..], Version);
        BinaryPrimitives.WriteUInt64LittleEndian(span[11..], nextVersion);
        payload.Advance(19);
    }

    public static void WriteRecord(ArrayBufferWriter<byte> payload, IndexRecord record)
    {
        switch (record)
        {
            case PutRecord { Entry: var e }:
                var put = payload.GetSpan(31);
                put[0] = e.Crcs is null ? PutType : Put2Type;
                BinaryPrimitives.WriteUInt64LittleEndian(put[1..], e.Version);
                BinaryPrimitives.WriteInt64LittleEndian(put[9..], e.Shard.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(put[17..], (uint)e.Shard.BlockSize);
                BinaryPrimitives.WriteInt64LittleEndian(put[21..], e.Shard.CreatedUnixMs);
                payload.Advance(29);
                WriteId(payload, e.IdBytes);
                WriteChunks(payload, e.Chunks, e.Crcs);
                break;
            case DeleteRecord delete:
                payload.GetSpan(1)[0] = DeleteType;
                payload.Advance(1);
                WriteId(payload, Encoding.UTF8.GetBytes(delete.ShardId));
                break;
            case RelocateRecord move:
                var head = payload.GetSpan(9);
                head[0] = RelocateType;
                BinaryPrimitives.WriteUInt64LittleEndian(head[1..], move.Version);
                payload.Advance(9);
                WriteId(payload, Encoding.UTF8.GetBytes(move.ShardId));
                WriteChunks(payload, move.Chunks, null);
                break;
            case MarkRecord mark:
                var m = payload.GetSpan(21);
                m[0] = MarkType;
                BinaryPrimitives.WriteUInt64LittleEndian(m[1..], mark.Seq);
                BinaryPrimitives.WriteUInt32LittleEndian(m[9..], mark.ExtentId);
                BinaryPrimitives.WriteInt64LittleEndian(m[13..], mark.Offset);
                payload.Advance(21);
                break;
            case SealRecord:
                payload.GetSpan(1)[0] = SealType;
                payload.Advance(1);
                break;
            default:
                throw new ArgumentException($"unknown record {record.GetType().Name}", nameof(record));
        }
    }

    /// <summary>Frame header for a finished payload.</summary>
    public static byte[] FrameHeader(ReadOnlySpan<byte> payload)
    {
        var header = new byte[FrameHeaderBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(header, FrameMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), Crc32C.Compute(payload));
        return header;
    }

    /// <summary>The payload length a frame header announces, or -1 when it cannot be a frame header.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header) == FrameMagic && BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) <= MaxFrameBytes
            ? (int)BinaryPrimitives.ReadUInt32LittleEndian(header[4..])
            : -1;

    public static bool PayloadMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        Crc32C.Compute(payload) == BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);

    /// <summary>The next-version counter of a header record; throws when the payload is not a v1 or v2 header.</summary>
    public static ulong ReadHeader(ReadOnlySpan<byte> payload, out ushort version)
    {
        if (payload.Length != 19 || payload[0] != HeaderType || !payload.Slice(1, 8).SequenceEqual(LogMagic))
        {
            throw new ExtentFormatException("index log does not start with its header");
        }

        version = BinaryPrimitives.ReadUInt16LittleEndian(payload[9..]);
        if (version > Version)
        {
            throw new ExtentFormatException($"index log has format version {version}; this node reads up to {Version}");
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(payload[11..]);
    }

    /// <summary>Decodes the records of a CRC-checked payload.</summary>
    public static List<IndexRecord> ReadRecords(ReadOnlySpan<byte> payload)
    {
        var records = new List<IndexRecord>();
        var reader = new SpanReader(payload);
        while (!reader.AtEnd)
        {
            byte type = reader.Byte();
            switch (type)
            {
                case PutType or Put2Type:
                    bool withCrcs = type == Put2Type;
                    ulong version = reader.UInt64();
                    long length = reader.Int64();
                    int blockSize = (int)reader.UInt32();
                    long created = reader.Int64();
                    byte[] id = reader.Id();
                    var (chunks, crcs) = reader.Chunks(withCrcs);
                    string shardId = Encoding.UTF8.GetString(id);
                    records.Add(new PutRecord(new ShardEntry(new StoredShard(shardId, length, blockSize, chunks.Length, created), id, version, chunks, crcs)));
                    break;
                case DeleteType:
                    records.Add(new DeleteRecord(Encoding.UTF8.GetString(reader.Id())));
                    break;
                case RelocateType:
                    ulong moved = reader.UInt64();
                    string movedId = Encoding.UTF8.GetString(reader.Id());
                    records.Add(new RelocateRecord(movedId, moved, reader.Chunks(withCrcs: false).Chunks));
                    break;
                case MarkType:
                    records.Add(new MarkRecord(reader.UInt64(), reader.UInt32(), reader.Int64()));
                    break;
                case SealType:
                    records.Add(SealRecord.Instance);
                    break;
                default:
                    throw new ExtentFormatException("index log holds an unknown record type");
            }
        }

        return records;
    }

    private static void WriteId(ArrayBufferWriter<byte> payload, byte[] id)
    {
        var span = payload.GetSpan(2 + id.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)id.Length);
        id.CopyTo(span[2..]);
        payload.Advance(2 + id.Length);
    }

    private static void WriteChunks(ArrayBufferWriter<byte> payload, ChunkLocation[] chunks, uint[]? crcs)
    {
        int each = crcs is null ? 12 : 16;
        var span = payload.GetSpan(4 + (each * chunks.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)chunks.Length);
        for (int i = 0; i < chunks.Length; i++)
        {
            var at = span[(4 + (each * i))..];
            BinaryPrimitives.WriteUInt32LittleEndian(at, chunks[i].ExtentId);
            BinaryPrimitives.WriteInt64LittleEndian(at[4..], chunks[i].Offset);
            if (crcs is not null)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(at[12..], crcs[i]);
            }
        }

        payload.Advance(4 + (each * chunks.Length));
    }

    /// <summary>Bounds-checked little-endian reads; a short payload is a format error, never an overrun.</summary>
    private ref struct SpanReader(ReadOnlySpan<byte> span)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private int _at;

        public readonly bool AtEnd => _at == _span.Length;

        public byte Byte() => Take(1)[0];

        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public byte[] Id() => Take(BinaryPrimitives.ReadUInt16LittleEndian(Take(2))).ToArray();

        public (ChunkLocation[] Chunks, uint[]? Crcs) Chunks(bool withCrcs)
        {
            uint count = UInt32();
            if (count > (_span.Length - _at) / (withCrcs ? 16 : 12))
            {
                throw new ExtentFormatException("index record announces more chunks than it holds");
            }

            var chunks = new ChunkLocation[count];
            uint[]? crcs = withCrcs ? new uint[count] : null;
            for (int i = 0; i < chunks.Length; i++)
            {
                chunks[i] = new ChunkLocation(UInt32(), Int64());
                if (crcs is not null)
                {
                    crcs[i] = UInt32();
                }
            }

            return (chunks, crcs);
        }

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n > _span.Length - _at)
            {
                throw new ExtentFormatException("index record is cut short");
            }

            var slice = _span.Slice(_at, n);
            _at += n;
            return slice;
        }
    }
}
