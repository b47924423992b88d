using System.Runtime.CompilerServices;
using Cairn.StorageNode.Shards.Engine;
using Microsoft.Extensions.Logging;

namespace Cairn.StorageNode.Shards;

/// <summary>
/// The migration step from the first layout (one file per shard, <c>shards/xx/*.shard</c>, <see cref="ShardFileFormat"/>
/// v1) into the engine, run when a disk is opened. Each shard is written through the engine (verified block by
/// block on the way) and durable there before its old file is deleted, so a crash mid-import only means the
/// next start imports the same bytes again. A file that fails verification is left where it is and reported.
/// </summary>
public static class LegacyShardImport
{
    public static int Run(ShardEngine engine, string root, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(engine);
        string shardsDir = Path.Combine(root, "shards");
        if (!Directory.Exists(shardsDir))
        {
            return 0;
        }

        int imported = 0;
        foreach (string file in Directory.EnumerateFiles(shardsDir, "*.shard", SearchOption.AllDirectories).ToList())
        {
            try
            {
                using (var stream = FileShardReadStream.Open(file, expectedId: null))
                {
                    if (stream is null)
                    {
                        continue;
                    }

                    engine.WriteAsync(stream.Info.ShardId, stream.Info.BlockSize, Blocks(stream), CancellationToken.None).GetAwaiter().GetResult();
                }

                File.Delete(file);
                DirectorySync.Flush(Path.GetDirectoryName(file)!);
                imported++;
            }
            catch (Exception ex) when (ex is ShardDamagedException or UnsupportedShardFormatException or ArgumentException)
            {
                StorageNodeLog.UnreadableFile(logger, file, ex.Message);
            }
        }

        // Temp files of the old layout were never acknowledged: nobody relies on them.
        string tmp = Path.Combine(root, "tmp");
        if (Directory.Exists(tmp))
        {
            foreach (string temp in Directory.EnumerateFiles(tmp))
            {
                File.Delete(temp);
            }
        }

        if (imported > 0)
        {
            StorageNodeLog.LegacyShardsImported(logger, imported, root);
        }

        return imported;
    }

    private static async IAsyncEnumerable<IncomingBlock> Blocks(FileShardReadStream stream, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var block in stream.ReadBlocksAsync(0, 0, ct))
        {
            yield return new IncomingBlock(block.Offset, block.Data, block.Crc32C);
        }
    }
}
