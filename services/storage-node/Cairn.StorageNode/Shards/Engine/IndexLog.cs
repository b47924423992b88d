using System.Buffers;
using System.Globalization;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// The durable index: <c>index/{generation}.log</c>, a header frame then one frame per commit batch. A
/// checkpoint writes the live index as a new generation (temp file, fsync, rename, directory fsync) and only
/// then deletes the old one, so at every instant one complete generation names every acknowledged shard.
/// Only the group commit leader appends (one at a time), so the log needs no lock of its own.
/// </summary>
public sealed class IndexLog : IDisposable
{
    public const string Directory = "index";
    private const string TempName = "checkpoint.tmp";
    private readonly IDiskFiles _files;
    private readonly ArrayBufferWriter<byte> _payload = new(64 * 1024);
    private IDiskFile _file;
    private long _generation;
    private long _lastCheckpointBytes;

    private IndexLog(IDiskFiles files, IDiskFile file, long generation, long length)
    {
        _files = files;
        _file = file;
        _generation = generation;
        Length = length;
        _lastCheckpointBytes = length;
    }

    public long Length { get; private set; }

    /// <summary>Bytes the log may grow to before the committer checkpoints it (twice the last checkpoint, at least the floor).</summary>
    public bool WantsCheckpoint(long floorBytes) => Length > Math.Max(floorBytes, 2 * _lastCheckpointBytes);

    /// <summary>The format version of the log's header: 1 for a log written before v2 (the engine rewrites it).</summary>
    public ushort FormatVersion { get; private set; } = IndexLogFormat.Version;

    /// <summary>
    /// Opens the newest generation and replays it into <paramref name="table"/>. A torn last frame (a batch
    /// that was never acknowledged) is cut off; a bad frame followed by a good one is corruption and refuses.
    /// The last frame, if no seal follows it, is not applied but returned in the replay's tail, for the
    /// engine to settle (a v1 log's last batch has its chunks checked, then the log is rewritten as v2).
    /// </summary>
    public static IndexLog OpenAndReplay(IDiskFiles files, ShardTable table, out LogReplay replay)
    {
        files.CreateDirectory(Directory);
        var names = files.List(Directory);
        if (names.Contains(TempName))
        {
            files.Delete(Path.Combine(Directory, TempName)); // a checkpoint cut short: its old generation is intact
        }

        long[] generations = [.. names.Where(n => n.EndsWith(".log", StringComparison.Ordinal))
            .Select(n => long.TryParse(n[..^4], NumberStyles.None, CultureInfo.InvariantCulture, out long g) ? g : -1)
            .Where(g => g > 0).Order()];
        if (generations.Length == 0)
        {
            replay = new LogReplay(1, 0, new UnsealedTail([], 0), MarkRecord.Start);
            var fresh = new IndexLog(files, files.Open(TempPath, create: true), 0, 0);
            fresh.Checkpoint([], 1, MarkRecord.Start);
            return fresh;
        }

        long generation = generations[^1];
        var file = files.Open(PathOf(generation), create: false);
        try
        {
            long end = Replay(file, table, out replay, out ushort version);
            if (end < file.Length)
            {
                file.SetLength(end);
                file.Flush();
            }

            foreach (long older in generations[..^1])
            {
                files.Delete(PathOf(older)); // superseded by a checkpoint that completed before a crash
            }

            return new IndexLog(files, file, generation, end) { FormatVersion = version };
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Writes a batch as one frame; durable only after <see cref="Flush"/>.</summary>
    public void Append(IReadOnlyList<IndexRecord> records)
    {
        _payload.ResetWrittenCount();
        foreach (var record in records)
        {
            IndexLogFormat.WriteRecord(_payload, record);
        }

        var payload = _payload.WrittenMemory;
        _file.Write([IndexLogFormat.FrameHeader(payload.Span), payload], Length);
        Length += IndexLogFormat.FrameHeaderBytes + payload.Length;
    }

    public void Flush() => _file.Flush();

    /// <summary>Appends <paramref name="records"/> (what open recovered) and a seal as one frame, durably.</summary>
    public void AppendSealed(IReadOnlyList<IndexRecord> records)
    {
        Append([.. records, SealRecord.Instance]);
        _file.Flush();
    }

    /// <summary>Replaces the log by a new generation holding exactly <paramref name="live"/> and <paramref name="mark"/>.</summary>
    public void Checkpoint(IReadOnlyList<ShardEntry> live, ulong nextVersion, MarkRecord mark)
    {
        var temp = _files.Open(TempPath, create: true);
        long length;
        try
        {
            temp.SetLength(0);
            _payload.ResetWrittenCount();
            IndexLogFormat.WriteHeader(_payload, nextVersion);
            length = WriteFrame(temp, 0);
            const int EntriesPerFrame = 4096;
            for (int i = 0; i < live.Count; i += EntriesPerFrame)
            {
                _payload.ResetWrittenCount();
                for (int j = i; j < Math.Min(live.Count, i + EntriesPerFrame); j++)
                {
                    IndexLogFormat.WriteRecord(_payload, new PutRecord(live[j]));
                }

                length += WriteFrame(temp, length);
            }

            _payload.ResetWrittenCount();
            IndexLogFormat.WriteRecord(_payload, mark);
            IndexLogFormat.WriteRecord(_payload, SealRecord.Instance);
            length += WriteFrame(temp, length);
            temp.Flush();
        }
        catch
        {
            temp.Dispose();
            throw;
        }

        long next = _generation + 1;
        _files.Rename(TempPath, PathOf(next));
        _files.SyncDirectory(Directory);
        // From here the new generation is the index; the old one is garbage whether or not its delete survives.
        _file.Dispose();
        if (_generation > 0)
        {
            _files.Delete(PathOf(_generation));
            _files.SyncDirectory(Directory);
        }

        _file = temp;
        _generation = next;
        FormatVersion = IndexLogFormat.Version;
        Length = length;
        _lastCheckpointBytes = length;
    }

    public void Dispose() => _file.Dispose();

    private static string TempPath => Path.Combine(Directory, TempName);

    private static string PathOf(long generation) => Path.Combine(Directory, generation.ToString("D8", CultureInfo.InvariantCulture) + ".log");

    private long WriteFrame(IDiskFile file, long offset)
    {
        var payload = _payload.WrittenMemory;
        file.Write([IndexLogFormat.FrameHeader(payload.Span), payload], offset);
        return IndexLogFormat.FrameHeaderBytes + payload.Length;
    }

    private static long Replay(IDiskFile file, ShardTable table, out LogReplay replay, out ushort version)
    {
        ulong nextVersion = 1;
        uint maxExtentId = 0;
        var mark = MarkRecord.Start;
        version = IndexLogFormat.Version;
        long length = file.Length, at = 0;
        var header = new byte[IndexLogFormat.FrameHeaderBytes];
        List<IndexRecord>? pending = null; // the previous frame: applied once a later frame proves it is not the last
        long pendingStart = 0;
        bool first = true;
        while (TryReadFrame(file, at, length, header, out byte[]? payload))
        {
            if (first)
            {
                nextVersion = IndexLogFormat.ReadHeader(payload, out version);
                first = false;
            }
            else
            {
                ApplyAll(table, pending);
                pending = IndexLogFormat.ReadRecords(payload);
                pendingStart = at;
                foreach (var record in pending)
                {
                    (ulong shardVersion, ChunkLocation[] chunks) = record switch
                    {
                        PutRecord p => (p.Entry.Version, p.Entry.Chunks),
                        RelocateRecord r => (r.Version, r.Chunks),
                        _ => (0UL, Array.Empty<ChunkLocation>()),
                    };
                    if (record is MarkRecord m)
                    {
                        mark = m;
                        maxExtentId = Math.Max(maxExtentId, m.ExtentId);
                    }

                    nextVersion = Math.Max(nextVersion, shardVersion + 1);
                    foreach (var chunk in chunks)
                    {
                        maxExtentId = Math.Max(maxExtentId, chunk.ExtentId);
                    }
                }
            }

            at += IndexLogFormat.FrameHeaderBytes + payload.Length;
        }

        if (first)
        {
            throw new ExtentFormatException("index log has no valid header frame");
        }

        if (at < length && AnyFrameAfter(file, at + 1, length))
        {
            // A torn write only ever hits the last frame: a good frame after a bad one means the middle rotted.
            throw new ExtentFormatException($"index log is corrupt at byte {at}, with valid frames after it");
        }

        var tail = new UnsealedTail([], 0);
        if (pending is { Count: > 0 } && pending[^1] is not SealRecord)
        {
            tail = new UnsealedTail(pending, pendingStart);
        }
        else
        {
            ApplyAll(table, pending);
        }

        replay = new LogReplay(nextVersion, maxExtentId, tail, mark);
        return at;
    }

    private static void ApplyAll(ShardTable table, List<IndexRecord>? records)
    {
        foreach (var record in records ?? [])
        {
            table.Apply(record);
        }
    }

    private static bool TryReadFrame(IDiskFile file, long at, long length, byte[] header, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? payload)
    {
        payload = null;
        if (length - at < IndexLogFormat.FrameHeaderBytes || file.ReadFully(header, at) != header.Length)
        {
            return false;
        }

        int size = IndexLogFormat.PayloadLength(header);
        if (size < 0 || size > length - at - IndexLogFormat.FrameHeaderBytes)
        {
            return false;
        }

        var bytes = new byte[size];
        if (file.ReadFully(bytes, at + IndexLogFormat.FrameHeaderBytes) != size || !IndexLogFormat.PayloadMatches(header, bytes))
        {
            return false;
        }

        payload = bytes;
        return true;
    }

    private static bool AnyFrameAfter(IDiskFile file, long from, long length)
    {
        var header = new byte[IndexLogFormat.FrameHeaderBytes];
        var window = new byte[64 * 1024];
        for (long at = from; at < length; at += window.Length - 3)
        {
            int read = file.ReadFully(window, at);
            for (int i = 0; i + 4 <= read; i++)
            {
                if (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(window.AsSpan(i)) == IndexLogFormat.FrameMagic
                    && TryReadFrame(file, at + i, length, header, out _))
                {
                    return true;
                }
            }

            if (read < window.Length)
            {
                break;
            }
        }

        return false;
    }
}

/// <summary>The last batch of the log when no seal follows it, and where its frame starts.</summary>
public sealed record UnsealedTail(IReadOnlyList<IndexRecord> Records, long Start);

/// <summary>What replaying the log found besides the table: counters, the unsealed tail, the last mark.</summary>
public sealed record LogReplay(ulong NextVersion, uint MaxExtentId, UnsealedTail Tail, MarkRecord Mark);
