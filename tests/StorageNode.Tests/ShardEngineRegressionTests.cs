using static StorageNode.Tests.ShardEngineModelTests;

namespace StorageNode.Tests;

/// <summary>
/// Shrunk histories the model-based test found, replayed as they were printed. Each names the fault it
/// caught (in the engine or in the harness) so the same mistake cannot come back unnoticed.
/// </summary>
public class ShardEngineRegressionTests
{
    private static readonly string Z = new('z', 300);

    [Fact]
    public async Task ShardEngine_CrashDuringBackgroundCheckpoint_StoreFromBeforeTheCrashCannotDeleteTheIndex_Regression()
    {
        // Found in the harness (10,000 histories, parallel): a store left over from before a crash finished its
        // checkpoint afterwards and deleted the index generation the reopened store was using. A dead process
        // cannot do that; the crashing disk now refuses every call from a mount taken before the crash. The
        // outcome depends on thread timing, so the history runs several times, four at once.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < 10; i++)
            {
                await Run(new History(27, 575, 2178, [new Get("a", 107, 74), new CrashDuring(new Put("ab", 30, 1872518493), 10), new Reclaim(), new Put("../x", 66, 971433125), new Delete("b"), new CrashDuring(new Delete("../x"), 2), new ListPage(-1, 2), new CrashDuring(new Reclaim(), 2), new ListPage(0, 2), new CrashDuring(new Delete("dir/y"), 11), new CrashDuring(new Reclaim(), 7), new Get("../x", 15, 73), new ListPage(1, 1), new Put("ab", 77, 73), new Reclaim(), new CrashDuring(new Reclaim(), 10), new Put("ab", 68, -133555050), new Delete("b"), new Put("../x", 116, 1), new AbortedPut("é", 48, 2), new Get("b", 20, 47), new Get(Z, 3, 12), new Reclaim(), new Put("dir/y", 9, 12073860), new Put("dir/y", 104, -2145), new Crash(), new AbortedPut("ab", 52, 0), new Put("b", 97, -7717), new CrashDuring(new Reclaim(), 6), new Put(Z, 104, 270), new Put("../x", 111, 0), new Delete("b"), new Delete("a"), new Delete("a"), new Put(Z, 86, 623), new Delete("a"), new Crash()]), seed: 37);
            }
        })));
    }

    [Fact]
    public Task ShardEngine_CrashBeforeExtentFsync_AcknowledgedShardSurvives_Regression() =>
        // Found with the extent fsync taken out of the group commit: the index record outlived its chunks.
        Run(new History(38, 401, 657, [new Put("b", 109, 317513467), new CrashDuring(new Delete("a"), 5), new Crash()]), seed: 3);

    [Fact]
    public Task ShardEngine_CrashAfterExtentCreatedWithoutDirectoryFsync_AcknowledgedShardSurvives_Regression() =>
        // Found with the directory fsync after creating an extent taken out: the file name vanished in the crash.
        Run(new History(29, 661, 0, [new Get("../x", 60, 83), new Put("dir/y", 44, -28849034), new CrashDuring(new Put("b", 63, 28), 6)]), seed: 3);

    [Fact]
    public Task ShardEngine_CrashDuringDeleteOfAcknowledgedShard_EitherOutcomeIsAllowed_Regression() =>
        // Found in the harness: the model dropped the shard before the store's delete ran, so a crash that
        // kept the (unacknowledged-delete) shard looked like an impossible outcome.
        Run(new History(21, 503, 0, [new Put("ab", 48, 4895046), new CrashDuring(new Delete("ab"), 2), new Put("dir/y", 24, 1588250)]), seed: 9);

    [Fact]
    public Task ShardEngine_CrashAfterAckWithoutTheExtentFsync_AcknowledgedShardSurvives_Regression() =>
        // Found with the one fsync of a write (its extent, holding chunks and commit frame) taken out.
        Run(new History(38, 433, 0, [new ListPage(4, 4), new Put("../x", 27, -1002), new Crash()]), seed: 3);

    [Fact]
    public Task ShardEngine_ReclaimRetiresAnExtentWhoseCommitFrameTheLogLacks_AcknowledgedShardSurvives_Regression() =>
        // Found with the log flush before retiring extents taken out: evacuation moved "ab" and its old extent,
        // which held the only durable copy of the put's commit frame, was deleted; after a crash the relocation
        // had nothing to apply to.
        Run(new History(38, 653, 0, [new Put("ab", 10, 14), new Get(Z, 72, 90), new Reclaim(), new Crash(), new Reclaim()]), seed: 5);
}
