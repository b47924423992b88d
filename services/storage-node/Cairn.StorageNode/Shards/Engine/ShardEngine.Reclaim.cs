using System.Buffers;
using Microsoft.Extensions.Logging;

namespace Cairn.StorageNode.Shards.Engine;

// Reclamation (dead space back to the disk) and scrub (every live chunk verified).
public sealed partial class ShardEngine
{
    private readonly SemaphoreSlim _reclaimGate = new(1, 1);
    private int _backgroundReclaim;

    /// <summary>
    /// One reclamation pass. Sealed extents with no live chunk are deleted; those with few live chunks are
    /// evacuated first: each live chunk is read and verified, appended to the active extent, and the shard's
    /// new locations are committed (a <see cref="RelocateRecord"/> that is void if the shard changed meanwhile).
    /// An extent is deleted only when the index, durably, no longer points into it and nobody pins it. A chunk
    /// that cannot be read or verified stops its extent's evacuation: the extent is kept, never its chunk forgotten.
    /// Reads and writes go on meanwhile; only other reclamation passes wait.
    /// </summary>
    public async Task<ReclaimReport> ReclaimAsync(CancellationToken ct)
    {
        await _reclaimGate.WaitAsync(ct);
        try
        {
            SealActiveIfMostlyDead();
            int retired = 0, evacuated = 0, kept = 0;
            long freed = 0;
            var candidates = _extents.Sealed()
                .Select(e => (Extent: e, Live: _table.LiveBytes(e.Id)))
                .Where(c => c.Live < c.Extent.Tail * _options.ReclaimBelowLiveFraction)
                .OrderBy(c => c.Live) // empty ones first: they free space without needing any
                .ToList();
            if (candidates.Count > 0)
            {
                // Commit frames in these (sealed) extents must be in the durable log before a file can go.
                await _committer.FlushLogAsync();
            }

            foreach (var (extent, live) in candidates)
            {
                ct.ThrowIfCancellationRequested();
                if (live > 0)
                {
                    if (!await EvacuateAsync(extent, ct))
                    {
                        kept++;
                        continue;
                    }

                    evacuated++;
                }

                long size = extent.Tail;
                if (Io(() => _extents.TryRetire(extent, id => _table.LiveBytes(id) == 0)))
                {
                    retired++;
                    freed += size;
                }
            }

            if (retired > 0)
            {
                _sawNoSpace = false;
            }

            return new ReclaimReport(retired, evacuated, kept, freed);
        }
        finally
        {
            _reclaimGate.Release();
        }
    }

    /// <summary>Reads and verifies every chunk of every shard.</summary>
    public async Task<ScrubReport> ScrubAsync(CancellationToken ct)
    {
        ThrowIfPoisoned();
        long shards = 0, blocks = 0;
        var corrupt = new List<string>(_extents.Unreadable.Select(id => $"unreadable-extent:{id}"));
        foreach (var entry in _table.Snapshot())
        {
            ct.ThrowIfCancellationRequested();
            string id = entry.Shard.ShardId;
            try
            {
                await using var stream = OpenRead(id);
                await foreach (var _ in stream.ReadBlocksAsync(0, 0, ct))
                {
                    blocks++;
                }

                shards++;
            }
            catch (ShardMissingException)
            {
                // deleted while the scrub ran
            }
            catch (ShardDamagedException ex)
            {
                shards++;
                corrupt.Add(id);
                StorageNodeLog.CorruptShard(_logger, id, Root, ex.Message);
            }
        }

        return new ScrubReport(shards, blocks, corrupt);
    }

    /// <summary>Kicks off a pass when dead bytes make one worthwhile (or the disk is full); at most one runs.</summary>
    private void StartBackgroundReclamation()
    {
        if (!_options.BackgroundReclamation)
        {
            return;
        }

        long dead = _extents.TotalBytes - _table.TotalLiveBytes();
        if ((dead < _options.ExtentBytes / 2 && !GetUsage().Full) || Interlocked.CompareExchange(ref _backgroundReclaim, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await ReclaimAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is DiskIoException or DiskFullException or ObjectDisposedException)
            {
                StorageNodeLog.ReclamationFailed(_logger, Root, ex.Message);
            }
            finally
            {
                Volatile.Write(ref _backgroundReclaim, 0);
            }
        });
    }

    private void SealActiveIfMostlyDead()
    {
        _extents.SealActiveIf(extent => _table.LiveBytes(extent.Id) < extent.Tail * _options.ReclaimBelowLiveFraction);
    }

    private async Task<bool> EvacuateAsync(Extent extent, CancellationToken ct)
    {
        foreach (var entry in _table.EntriesIn(extent.Id))
        {
            ct.ThrowIfCancellationRequested();
            var pinned = new HashSet<Extent>();
            byte[] buffer = ArrayPool<byte>.Shared.Rent((int)entry.FrameBytes(0));
            try
            {
                var chunks = (ChunkLocation[])entry.Chunks.Clone();
                for (int i = 0; i < chunks.Length; i++)
                {
                    if (chunks[i].ExtentId != extent.Id)
                    {
                        continue;
                    }

                    var frame = buffer.AsMemory(0, (int)entry.FrameBytes(i));
                    ReadChunk(entry, extent, i, frame.Span);
                    int dataAt = ChunkFormat.AlignsData(entry.ChunkDataLength(i)) ? entry.HeaderBytes : -1;
                    var (target, offset) = Io(() => _extents.Reserve(frame.Length, dataAt, _capacity.Value, _log.Length, pinned, Root));
                    Io(() => target.File.Write([frame], offset));
                    chunks[i] = new ChunkLocation(target.Id, offset);
                }

                await _committer.CommitAsync([new RelocateRecord(entry.Shard.ShardId, entry.Version, chunks)], pinned);
            }
            catch (Exception ex) when (ex is ShardDamagedException or DiskIoException or DiskFullException)
            {
                // Never drop what we could not copy: the extent stays until a later pass (or repair) succeeds.
                StorageNodeLog.EvacuationStopped(_logger, extent.Id, Root, ex.Message);
                return false;
            }
            finally
            {
                _extents.Unpin(pinned);
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return true;
    }
}

/// <summary>What one reclamation pass did.</summary>
public sealed record ReclaimReport(int ExtentsRetired, int ExtentsEvacuated, int ExtentsKept, long BytesFreed);
