using Cairn.Storage.V1;
using Cairn.StorageNode.Client;
using StorageNodeClient = Cairn.Storage.V1.StorageNode.StorageNodeClient;

namespace StorageNode.Tests;

/// <summary>
/// kill -9 of the real process in the middle of concurrent writes and deletes, then a restart: every
/// acknowledged write is there byte for byte, every acknowledged delete is gone, and a write or delete cut off
/// by the kill is either fully there or not there at all.
/// </summary>
public sealed class StorageNodeCrashTests
{
    private const int BlockSize = 4096;
    private const int Rounds = 3;

    private enum Fate { Acked, Maybe, MaybeGone, Gone }

    private sealed record Expectation(Fate Fate, byte[] Data);

    [Fact]
    public async Task StorageNodeProcess_KillNine_MatchesModelAfterRestart()
    {
        using var dir = new TempDirectory();
        string[] disks = [Path.Combine(dir.Path, "d0"), Path.Combine(dir.Path, "d1")];
        string[] diskIds = ["crash-d0", "crash-d1"];
        var model = new Dictionary<string, Expectation>(StringComparer.Ordinal);
        var rng = new Random(20261123);

        for (int round = 0; round <= Rounds; round++)
        {
            using var node = await NodeProcess.StartAsync("crash", disks);
            await VerifyAndResolve(node.Client, diskIds, model);
            if (round == Rounds)
            {
                break;
            }

            var killAfter = TimeSpan.FromMilliseconds(rng.Next(50, 1000));
            var workers = Enumerable.Range(0, 4)
                .Select(w => Task.Run(() => Work(node.Client, diskIds[w % 2], $"r{round}-w{w}-", new Random((round * 10) + w), model)))
                .ToArray();
            // The kill lands at a random point after writes are flowing, however slow this machine is today.
            string roundTag = $"/r{round}-";
            await Poll.Until(() => AnyAcked(model, roundTag) || workers.All(w => w.IsCompleted), timeoutMs: 60_000);
            await Task.Delay(killAfter);
            node.Kill();
            await Task.WhenAll(workers);
        }

        Assert.Contains(model.Values, e => e.Fate == Fate.Acked);
    }

    /// <summary>Writes shards of random sizes, and sometimes deletes one it wrote, until the node dies.</summary>
    private static async Task Work(StorageNodeClient client, string diskId, string prefix, Random rng, Dictionary<string, Expectation> model)
    {
        var mine = new List<string>();
        for (int i = 0; ; i++)
        {
            string key = $"{diskId}/{prefix}{i}";
            try
            {
                if (mine.Count > 0 && rng.Next(4) == 0)
                {
                    string victim = mine[rng.Next(mine.Count)];
                    mine.Remove(victim);
                    Set(model, victim, e => e with { Fate = Fate.MaybeGone });
                    await client.DeleteShardAsync(new DeleteShardRequest { DiskId = diskId, ShardId = Id(victim) });
                    Set(model, victim, e => e with { Fate = Fate.Gone });
                    continue;
                }

                byte[] data = ShardData.Bytes(rng.Next(0, 5 * BlockSize), rng.Next());
                Set(model, key, _ => new Expectation(Fate.Maybe, data));
                await using (var writer = await ShardWriter.OpenAsync(client, diskId, Id(key), BlockSize, CancellationToken.None))
                {
                    for (int offset = 0; offset < data.Length; offset += BlockSize)
                    {
                        await writer.WriteBlockAsync(data.AsMemory(offset, Math.Min(BlockSize, data.Length - offset)), CancellationToken.None);
                    }

                    await writer.CommitAsync(CancellationToken.None);
                }

                Set(model, key, e => e with { Fate = Fate.Acked });
                mine.Add(key);
            }
            catch (Exception)
            {
                return; // the node was killed: whatever was in flight stays Maybe / MaybeGone
            }
        }
    }

    private static async Task VerifyAndResolve(StorageNodeClient client, string[] diskIds, Dictionary<string, Expectation> model)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (string diskId in diskIds)
        {
            string startAfter = "";
            while (true)
            {
                var page = await client.ListShardsAsync(new ListShardsRequest { DiskId = diskId, StartAfter = startAfter, Limit = 100 });
                present.UnionWith(page.Shards.Select(s => $"{diskId}/{s.ShardId}"));
                if (!page.IsTruncated)
                {
                    break;
                }

                startAfter = page.Shards[^1].ShardId;
            }
        }

        foreach (string key in present)
        {
            Assert.True(model.TryGetValue(key, out var e) && e.Fate != Fate.Gone, $"{key} is on disk but was never written or was deleted");
        }

        foreach (var (key, expectation) in model.ToArray())
        {
            bool exists = present.Contains(key);
            switch (expectation.Fate)
            {
                case Fate.Acked:
                    Assert.True(exists, $"acknowledged shard {key} lost");
                    break;
                case Fate.Gone:
                    Assert.False(exists, $"acknowledged delete of {key} undone");
                    break;
            }

            if (exists)
            {
                // Whole or absent: a present shard always has exactly the bytes that were sent.
                Assert.Equal(expectation.Data, await Read(client, key));
            }

            model[key] = expectation with { Fate = exists ? Fate.Acked : Fate.Gone };
        }
    }

    private static async Task<byte[]> Read(StorageNodeClient client, string key)
    {
        using var result = new MemoryStream();
        await foreach (var chunk in ShardReader.ReadAsync(client, key[..key.IndexOf('/', StringComparison.Ordinal)], Id(key), 0, 0, CancellationToken.None))
        {
            result.Write(chunk.Span);
        }

        return result.ToArray();
    }

    private static string Id(string key) => key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private static bool AnyAcked(Dictionary<string, Expectation> model, string tag)
    {
        lock (model)
        {
            return model.Any(kv => kv.Value.Fate == Fate.Acked && kv.Key.Contains(tag, StringComparison.Ordinal));
        }
    }

    private static void Set(Dictionary<string, Expectation> model, string key, Func<Expectation, Expectation> change)
    {
        lock (model)
        {
            model[key] = change(model.GetValueOrDefault(key) ?? new Expectation(Fate.Maybe, []));
        }
    }
}
