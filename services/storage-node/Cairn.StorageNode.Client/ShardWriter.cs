using Cairn.Storage.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Cairn.StorageNode.Client;

/// <summary>
/// One client-streaming WriteShard call: header, blocks in order, commit. The node acknowledges only
/// after the shard is durable; disposing without a commit aborts the call and the node discards the
/// partial shard.
/// </summary>
public sealed class ShardWriter : IAsyncDisposable
{
    private readonly AsyncClientStreamingCall<WriteShardRequest, WriteShardResponse> _call;
    private readonly int _blockSize;
    private long _length;
    private bool _sawShortBlock;
    private bool _completed;

    private ShardWriter(AsyncClientStreamingCall<WriteShardRequest, WriteShardResponse> call, int blockSize)
    {
        _call = call;
        _blockSize = blockSize;
    }

    /// <summary>Bytes sent so far.</summary>
    public long Length => _length;

    public static async Task<ShardWriter> OpenAsync(
        Storage.V1.StorageNode.StorageNodeClient client,
        string diskId,
        string shardId,
        int blockSize,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(diskId);
        ArgumentException.ThrowIfNullOrEmpty(shardId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, StorageNodeClients.MaxMessageBytes - 4096);

        var call = client.WriteShard(cancellationToken: ct);
        var writer = new ShardWriter(call, blockSize);
        try
        {
            await call.RequestStream.WriteAsync(
                new WriteShardRequest
                {
                    Header = new WriteShardHeader { DiskId = diskId, ShardId = shardId, BlockSize = (uint)blockSize },
                },
                ct);
        }
        catch
        {
            call.Dispose();
            throw;
        }

        return writer;
    }

    /// <summary>
    /// Sends one block. Every block but the last must be exactly the block size. The buffer is wrapped,
    /// not copied: grpc-dotnet serializes it before the returned task completes, so the caller may reuse it then.
    /// </summary>
    public async Task WriteBlockAsync(ReadOnlyMemory<byte> block, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (block.Length == 0 || block.Length > _blockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(block), block.Length, $"a block holds 1..{_blockSize} bytes");
        }

        if (_sawShortBlock)
        {
            throw new InvalidOperationException("only the last block of a shard may be shorter than the block size");
        }

        _sawShortBlock = block.Length < _blockSize;
        var message = new WriteShardRequest
        {
            Block = new ShardBlock
            {
                Offset = (ulong)_length,
                Data = UnsafeByteOperations.UnsafeWrap(block),
                Crc32C = Crc32C.Compute(block.Span),
            },
        };
        await _call.RequestStream.WriteAsync(message, ct);
        _length += block.Length;
    }

    /// <summary>Sends the commit, completes the stream and waits for the node's durable acknowledgement.</summary>
    public async Task<WriteShardResponse> CommitAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        await _call.RequestStream.WriteAsync(
            new WriteShardRequest { Commit = new WriteShardCommit { Length = (ulong)_length } },
            ct);
        await _call.RequestStream.CompleteAsync();
        return await _call.ResponseAsync.WaitAsync(ct);
    }

    public ValueTask DisposeAsync()
    {
        // Disposing an unfinished call cancels it; the node sees the abort and deletes its temp file.
        _completed = true;
        _call.Dispose();
        return ValueTask.CompletedTask;
    }
}
