using System.Buffers.Binary;

namespace Cairn.StorageNode.Shards.Engine;

/// <summary>
/// Finds the commit frames written after the index log's last mark: the batches that were made durable by
/// their extent's fsync alone. Only v2 extents at or after the mark are read, from the mark on; every
/// occurrence of the extent's salt is tried as a frame start, so holes (space a writer reserved but never
/// filled before a crash) and chunk data are stepped over. The salt is random per extent and never
/// returned to a client, and the frame carries a CRC32C, so shard data cannot pass for a commit frame.
/// </summary>
public static class CommitScan
{
    private const int WindowBytes = 1 << 20;

    /// <summary>Every whole commit frame after the mark with a batch number above it, in batch order.</summary>
    public static IReadOnlyList<FoundCommit> After(IEnumerable<Extent> extents, MarkRecord mark)
    {
        var found = new List<FoundCommit>();
        var window = new byte[WindowBytes];
        foreach (var extent in extents.Where(e => e.Salt is not null && e.Id >= mark.ExtentId).OrderBy(e => e.Id))
        {
            long from = Math.Max(ChunkFormat.ExtentHeaderBytes, extent.Id == mark.ExtentId ? mark.Offset : 0);
            Scan(extent, from, window, found);
        }

        return [.. found.Where(c => c.Seq > mark.Seq).OrderBy(c => c.Seq)];
    }

    private static void Scan(Extent extent, long from, byte[] window, List<FoundCommit> found)
    {
        Span<byte> salt = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(salt, extent.Salt!.Value);
        var file = extent.File;
        long end = file.Length;
        long pos = from;
        while (end - pos >= ChunkFormat.CommitHeaderBytes)
        {
            int n = file.ReadFully(window.AsSpan(0, (int)Math.Min(window.Length, end - pos)), pos);
            if (n < salt.Length)
            {
                return;
            }

            long next = pos + n - (salt.Length - 1); // a salt cut by the window's end is found by the next window
            int i = 0;
            int hit;
            while ((hit = window.AsSpan(i, n - i).IndexOf(salt)) >= 0)
            {
                long at = pos + i + hit;
                if (TryRead(file, at, end, extent.Salt.Value) is { } commit)
                {
                    found.Add(commit);
                    next = Math.Max(next, commit.End);
                    if (commit.End - pos >= n)
                    {
                        break;
                    }

                    i = (int)(commit.End - pos);
                }
                else
                {
                    i += hit + 1;
                }
            }

            pos = next;
        }
    }

    private static FoundCommit? TryRead(IDiskFile file, long at, long end, ulong salt)
    {
        var header = new byte[ChunkFormat.CommitHeaderBytes];
        if (end - at < header.Length || file.ReadFully(header, at) != header.Length)
        {
            return null;
        }

        int length = ChunkFormat.CommitPayloadLength(header, salt);
        if (length < 0 || length > end - at - header.Length)
        {
            return null;
        }

        var payload = new byte[length];
        if (file.ReadFully(payload, at + header.Length) != length || !ChunkFormat.CommitMatches(header, payload, out ulong seq))
        {
            return null;
        }

        // Salt and CRC match: this is our frame, so records that do not decode are corruption (ReadRecords throws).
        return new FoundCommit(seq, IndexLogFormat.ReadRecords(payload), at + header.Length + length);
    }
}

/// <summary>One commit frame found in an extent: its batch number, records, and where it ends.</summary>
public sealed record FoundCommit(ulong Seq, IReadOnlyList<IndexRecord> Records, long End);
