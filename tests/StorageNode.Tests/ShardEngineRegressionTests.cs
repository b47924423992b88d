using static StorageNode.Tests.ShardEngineModelTests;

namespace StorageNode.Tests;

/// <summary>
/// Shrunk histories the model-based test found, replayed as they were printed. Each names the fault it
/// caught (in the engine or in the harness) so the same mistake cannot come back unnoticed.
/// </summary>
public class ShardEngineRegressionTests
{
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
}
