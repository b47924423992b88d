using Cairn.Placement.Inventory;

namespace Cairn.Placement.Choice;

/// <summary>Answers one ChooseShardSet: the current inventory, through the chooser, back to full disk views.</summary>
public sealed class ShardSetPlacer(DiskInventory inventory, ShardSetChooser chooser, PlacementMetrics metrics)
{
    public IReadOnlyList<DiskView> Place(ShardSetRequest request)
    {
        using var activity = metrics.Activities.StartActivity("ChooseShardSet");
        activity?.SetTag("cairn.shard_count", request.Count);
        var views = inventory.Snapshot().Disks;
        var byId = views.ToDictionary(v => v.DiskId, StringComparer.Ordinal);
        try
        {
            var chosen = chooser.Choose(views.Select(v => v.ToCandidate()).ToList(), request);
            metrics.Placed(request.Count);
            if (chosen.Select(c => c.NodeId).Distinct(StringComparer.Ordinal).Count() < chosen.Count)
            {
                metrics.ReducedSpread();
            }

            return chosen.Select(c => byId[c.DiskId]).ToList();
        }
        catch (PlacementException e)
        {
            metrics.Refused(e.Failure);
            throw;
        }
    }
}
