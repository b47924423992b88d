using System.Text;
using Cairn.StorageNode.Shards;
using Cairn.StorageNode.Shards.Engine;

namespace StorageNode.Tests;

/// <summary>The in-memory index: its flat lock-free map against a dictionary, and lookups racing the committer.</summary>
public class ShardTableTests
{
    [Fact]
    public void ShardTable_Apply_MatchesADictionaryModel_RandomHistories()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        var table = new ShardTable();
        var model = new Dictionary<string, ShardEntry>(StringComparer.Ordinal);
        ulong version = 0;
        for (int step = 0; step < 20_000; step++)
        {
            // Few ids early, many later: the map grows, fills with tombstones and is rebuilt along the way.
            string id = "s" + random.Next(step < 5_000 ? 40 : 2_000);
            switch (random.Next(4))
            {
                case 0 or 1:
                    var put = Entry(id, ++version, (uint)random.Next(1, 4), random.Next(1, 1000) * 4096L);
                    Assert.True(table.Apply(new PutRecord(put)));
                    model[id] = put;
                    break;
                case 2:
                    Assert.True(model.Remove(id) == table.Apply(new DeleteRecord(id)), $"delete {id} at step {step}, seed {seed}");
                    break;
                default:
                    ulong target = model.TryGetValue(id, out var current) && random.Next(2) == 0 ? current.Version : version + 1;
                    var chunks = new[] { new ChunkLocation(9, random.Next(1, 1000) * 4096L) };
                    bool applies = current is not null && current.Version == target;
                    Assert.True(applies == table.Apply(new RelocateRecord(id, target, chunks)), $"relocate {id} at step {step}, seed {seed}");
                    if (applies)
                    {
                        model[id] = current! with { Chunks = chunks };
                    }

                    break;
            }

            var found = table.Get(id, out var whole);
            Assert.True(Equals(model.GetValueOrDefault(id), found), $"{id} at step {step}, seed {seed}");
            Assert.Equal(found is null ? default : WholeChunk.Of(found), whole);
        }

        Assert.Equal(model.Count, table.Count);
        Assert.Equal(model.Keys.Order(StringComparer.Ordinal), table.Snapshot().Select(e => e.Shard.ShardId));
        Assert.All(model, kv => Assert.Equal(kv.Value, table.Get(kv.Key)));
    }

    [Fact]
    public async Task ShardTable_Get_RacingOverwritesAndChurn_NeverMissesAPresentShardNorMixesTwoEntries()
    {
        // Lookups take no lock: a reader must never find a shard missing while it is overwritten in place, nor
        // see the whole-read location of one version with the entry of another, while other ids come and go
        // (tombstones, rebuilds into a new array).
        var table = new ShardTable();
        string[] stable = [.. Enumerable.Range(0, 8).Select(i => "stable-" + i)];
        ulong version = 0;
        foreach (string id in stable)
        {
            table.Apply(new PutRecord(Entry(id, ++version, 1, 4096)));
        }

        int writing = 1;
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < 50_000; i++)
            {
                table.Apply(new PutRecord(Entry(stable[i % stable.Length], ++version, (uint)(i % 3) + 1, (i % 500 + 1) * 4096L)));
                table.Apply(new PutRecord(Entry("churn-" + i, ++version, 1, 4096)));
                if (i >= 64)
                {
                    table.Apply(new DeleteRecord("churn-" + (i - 64)));
                }
            }

            Volatile.Write(ref writing, 0);
        });
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            long lookups = 0;
            while (Volatile.Read(ref writing) == 1 || lookups == 0)
            {
                string id = stable[lookups++ % stable.Length];
                var entry = table.Get(id, out var whole);
                Assert.NotNull(entry);
                Assert.Equal(id, entry.Shard.ShardId);
                Assert.Equal(WholeChunk.Of(entry), whole);
            }

            return lookups;
        })).ToArray();

        await writer;
        Assert.All(await Task.WhenAll(readers), lookups => Assert.True(lookups > 0));
        Assert.Equal(stable.Length + 64, table.Count);
    }

    private static ShardEntry Entry(string id, ulong version, uint extent, long offset) =>
        new(new StoredShard(id, 4096, 4096, 1, 0), Encoding.UTF8.GetBytes(id), version, [new ChunkLocation(extent, offset)], [(uint)version]);
}
