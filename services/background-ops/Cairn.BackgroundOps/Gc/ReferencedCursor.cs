using Cairn.BackgroundOps.Gateways;

namespace Cairn.BackgroundOps.Gc;

/// <summary>
/// Walks the namespace's shard index for one disk alongside the disk's own (both in shard id order), a merge
/// join: a shard found in the index is live without a call of its own. It only ever answers "referenced" for ids
/// the index listed; every other shard still goes to the authoritative <see cref="IReferenceChecker.IsReferencedAsync"/>,
/// so an index that lags or orders ids differently costs extra calls, never a wrong delete.
/// </summary>
internal sealed class ReferencedCursor(IReferenceChecker references, string diskId, int pageSize)
{
    private readonly Queue<string> _buffer = new();
    private string _after = "";
    private bool _exhausted;

    /// <summary>Queries must come in ascending ordinal order; the cursor only moves forward.</summary>
    public async Task<bool> IndexedAsync(string shardId, CancellationToken ct)
    {
        while (true)
        {
            while (_buffer.TryPeek(out var head) && string.CompareOrdinal(head, shardId) < 0)
            {
                _buffer.Dequeue();
            }

            if (_buffer.TryPeek(out var next))
            {
                return string.Equals(next, shardId, StringComparison.Ordinal);
            }

            if (_exhausted)
            {
                return false;
            }

            var page = await references.ListReferencedOnDiskAsync(diskId, _after, pageSize, ct);
            foreach (var id in page.ShardIds)
            {
                _buffer.Enqueue(id);
            }

            _exhausted = !page.IsTruncated || page.ShardIds.Count == 0;
            if (page.ShardIds.Count > 0)
            {
                _after = page.ShardIds[^1];
            }
        }
    }
}
