using System.Buffers;
using System.Globalization;
using Grpc.Core;

namespace Cairn.StorageNode.Client;

/// <summary>
/// One bulk read (<see cref="ShardDataFrame"/>) of [offset, end) consumed in order, either into the caller's buffers
/// (<see cref="ReadExactlyAsync"/>: a block that lies wholly inside the buffer is read straight into it and checked
/// there, so the bytes cross user space once) or block by block (<see cref="NextAsync"/>, pooled). Bytes are only ever
/// handed over once their block's CRC32C has passed. Failures are the gRPC reader's exceptions: ShardNotFound,
/// ShardCorrupt, RpcException (Unavailable for a broken connection).
/// </summary>
public sealed class ShardDataCursor : IAsyncDisposable
{
    /// <summary>A block larger than this is a protocol error, not an allocation.</summary>
    public const int MaxBlockBytes = StorageNodeClients.MaxMessageBytes;

    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly string _diskId;
    private readonly string _shardId;
    private readonly long _end;
    private readonly bool _toTheEnd;
    private readonly byte[] _header = new byte[ShardDataFrame.HeaderBytes];
    private byte[]? _buffer;
    private ReadOnlyMemory<byte> _pending;
    private bool _ended;

    private ShardDataCursor(HttpResponseMessage response, Stream body, string diskId, string shardId, long offset, long length)
    {
        _response = response;
        _body = body;
        _diskId = diskId;
        _shardId = shardId;
        Position = offset;
        _toTheEnd = length == 0;
        _end = _toTheEnd ? long.MaxValue : offset + length;
    }

    /// <summary>Shard offset of the next byte to be handed over.</summary>
    public long Position { get; private set; }

    /// <summary>Asks the node for [offset, offset+length) (length 0 = to the end) and reads its status line.</summary>
    public static async Task<ShardDataCursor> OpenAsync(
        HttpClient http, string dataUrl, string diskId, string shardId, long offset, long length, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(dataUrl);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, long.MaxValue - offset);

        var uri = string.Create(CultureInfo.InvariantCulture,
            $"{dataUrl.TrimEnd('/')}{ShardDataFrame.PathPrefix}{Uri.EscapeDataString(diskId)}/{Uri.EscapeDataString(shardId)}?offset={offset}&length={length}");
        var response = await SendAsync(http, uri, diskId, shardId, ct);
        try
        {
            return new ShardDataCursor(response, await response.Content.ReadAsStreamAsync(ct), diskId, shardId, offset, length);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Fills <paramref name="into"/> with the next verified bytes. A stream that ends first is corruption (a truncated
    /// shard). After a failure the cursor is broken: <paramref name="into"/> may hold unverified bytes.
    /// </summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> into, CancellationToken ct)
    {
        var filled = 0;
        while (filled < into.Length)
        {
            if (!_pending.IsEmpty)
            {
                var n = Math.Min(_pending.Length, into.Length - filled);
                _pending[..n].CopyTo(into[filled..]);
                _pending = _pending[n..];
                filled += n;
                continue;
            }

            if (await NextHeaderAsync(ct) is not { } block)
            {
                throw new ShardCorruptException(_diskId, _shardId, $"stream ended at {Position}, before the {into.Length - filled} more bytes asked for");
            }

            if (block.Start == Position && block.Length <= into.Length - filled && Position + block.Length <= _end)
            {
                // The block lands whole where the caller wants it: read and check it in place.
                var target = into.Slice(filled, block.Length);
                await FillOrThrowAsync(target, block.Start, ct);
                Verify(target.Span, block);
                Position += block.Length;
                filled += block.Length;
            }
            else
            {
                _pending = await ReadBufferedAsync(block, ct);
            }
        }
    }

    /// <summary>The next verified bytes (a pooled buffer, valid until the next call), or empty at the end of the range.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> NextAsync(CancellationToken ct)
    {
        if (_pending.IsEmpty)
        {
            if (await NextHeaderAsync(ct) is not { } block)
            {
                if (!_toTheEnd && Position < _end)
                {
                    throw new ShardCorruptException(_diskId, _shardId, $"stream ended at {Position}, before {_end}");
                }

                return ReadOnlyMemory<byte>.Empty;
            }

            _pending = await ReadBufferedAsync(block, ct);
        }

        var chunk = _pending;
        _pending = ReadOnlyMemory<byte>.Empty;
        return chunk;
    }

    /// <summary>The next block's header; null once the range is served or the node sent its end frame.</summary>
    private async ValueTask<Block?> NextHeaderAsync(CancellationToken ct)
    {
        if (_ended || Position >= _end)
        {
            return null;
        }

        if (await FillAsync(_header, ct) != _header.Length)
        {
            throw new ShardCorruptException(_diskId, _shardId, $"stream ended at {Position} without its end frame");
        }

        var (blockStart, length32, crc) = ShardDataFrame.ReadHeader(_header);
        if (length32 == ShardDataFrame.ErrorLength)
        {
            throw await ErrorFrameAsync(blockStart, crc, ct);
        }

        if (length32 == ShardDataFrame.EndLength)
        {
            _ended = true;
            return null;
        }

        int blockLength = length32 > MaxBlockBytes ? -1 : (int)length32;
        if (blockLength is <= 0 or > MaxBlockBytes || blockStart > Position || blockStart + blockLength <= Position)
        {
            throw new ShardCorruptException(_diskId, _shardId, $"block at {blockStart} ({blockLength} bytes) does not continue the stream at {Position}");
        }

        return new Block(blockStart, blockLength, crc);
    }

    /// <summary>Reads a block into the pooled buffer, checks it and returns the part of it the range still wants.</summary>
    private async ValueTask<ReadOnlyMemory<byte>> ReadBufferedAsync(Block block, CancellationToken ct)
    {
        if (_buffer is null || _buffer.Length < block.Length)
        {
            ReturnBuffer();
            _buffer = ArrayPool<byte>.Shared.Rent(block.Length);
        }

        var data = _buffer.AsMemory(0, block.Length);
        await FillOrThrowAsync(data, block.Start, ct);
        Verify(data.Span, block);
        int from = (int)(Position - block.Start);
        int to = (int)(Math.Min(block.Start + block.Length, _end) - block.Start);
        Position = block.Start + to;
        return data[from..to];
    }

    private void Verify(ReadOnlySpan<byte> data, Block block)
    {
        if (Crc32C.Compute(data) != block.Crc)
        {
            throw new ShardCorruptException(_diskId, _shardId, $"CRC32C mismatch in the block at offset {block.Start}");
        }
    }

    private async ValueTask FillOrThrowAsync(Memory<byte> into, long blockStart, CancellationToken ct)
    {
        if (await FillAsync(into, ct) != into.Length)
        {
            throw new ShardCorruptException(_diskId, _shardId, $"stream ended inside the block at {blockStart}");
        }
    }

    /// <summary>Reads until <paramref name="into"/> is full or the body ends; a broken connection is Unavailable.</summary>
    private async ValueTask<int> FillAsync(Memory<byte> into, CancellationToken ct)
    {
        try
        {
            return await _body.ReadAtLeastAsync(into, into.Length, throwOnEndOfStream: false, ct);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw Unavailable(_diskId, ex);
        }
    }

    /// <summary>The failure the node reported mid-stream, as the gRPC reader would have thrown it.</summary>
    private async Task<Exception> ErrorFrameAsync(long code, uint messageBytes, CancellationToken ct)
    {
        var message = new byte[Math.Min(messageBytes, ShardDataFrame.MaxErrorMessageBytes)];
        int read = await FillAsync(message, ct);
        var status = new Status(code is >= 0 and <= 16 ? (StatusCode)code : StatusCode.Unknown, System.Text.Encoding.UTF8.GetString(message, 0, read));
        return ShardReader.Translate(new RpcException(status), _diskId, _shardId);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string uri, string diskId, string shardId, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            throw Unavailable(diskId, ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var detail = await response.Content.ReadAsStringAsync(ct);
            var code = response.Headers.TryGetValues(ShardDataFrame.StatusHeader, out var values)
                && int.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture, out int c)
                ? (StatusCode)c
                : StatusCode.Unknown;
            throw ShardReader.Translate(new RpcException(new Status(code, detail)), diskId, shardId);
        }
    }

    private static RpcException Unavailable(string diskId, Exception ex) =>
        new(new Status(StatusCode.Unavailable, $"disk '{diskId}': {ex.Message}", ex));

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending = ReadOnlyMemory<byte>.Empty;
        ReturnBuffer();
        await _body.DisposeAsync();
        _response.Dispose();
    }

    private readonly record struct Block(long Start, int Length, uint Crc);
}
