using Cairn.Common.V1;
using Cairn.Namespace.Store;
using Cairn.Namespace.V1;

namespace Cairn.Namespace.Domain;

/// <summary>Layouts a transaction made unreferenced.</summary>
internal sealed class GarbageList
{
    private readonly List<ShardLayout> _layouts = [];

    public void Add(IEnumerable<ObjectPart> parts) =>
        _layouts.AddRange(parts.Where(p => p.Layout is not null).Select(p => p.Layout));

    public void Add(ShardLayout layout) => _layouts.Add(layout);

    /// <summary>
    /// Called last inside the transaction: drops every shard that is still referenced after it (an idempotent
    /// retry that re-commits the same layout must not have its own shards collected).
    /// </summary>
    public IReadOnlyList<ShardLayout> Collect(INamespaceReader reader)
    {
        var result = new List<ShardLayout>();
        foreach (var layout in _layouts)
        {
            var unreferenced = layout.Shards.Where(s => reader.GetShard(s.ShardId) is null).ToList();
            if (unreferenced.Count == 0)
            {
                continue;
            }

            var copy = layout.Clone();
            copy.Shards.Clear();
            copy.Shards.AddRange(unreferenced);
            result.Add(copy);
        }

        return result;
    }
}
