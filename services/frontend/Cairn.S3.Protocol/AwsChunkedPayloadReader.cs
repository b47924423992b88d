using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cairn.S3.Protocol;

/// <summary>
/// Decodes aws-chunked bodies: "hex-size[;chunk-signature=sig]\r\n data \r\n" ... "0[;...]\r\n",
/// then trailer lines and a blank line. Signed modes verify each chunk's link of the signature
/// chain when the chunk ends, and the trailer signature; the final 0 is only returned after
/// everything verified and the decoded length matched. Memory is one pooled buffer per request.
/// Bytes of a chunk reach the caller before that chunk's signature is checked, so callers must
/// treat data as provisional until ReadAsync returns 0 (the frontend commits only then).
/// </summary>
internal sealed class AwsChunkedPayloadReader : PayloadReader
{
    private const int BufferSize = 64 * 1024;
    private const int MaxLineLength = 4096;
    private const int MaxTrailerLines = 16;
    private const string ChunkSignaturePrefix = "chunk-signature=";
    private const string TrailerSignatureName = "x-amz-trailer-signature";

    private readonly Stream _body;
    private readonly long _contentLength;
    private readonly long _decodedLength;
    private readonly AuthContext _auth;
    private readonly string _amzDate;
    private readonly bool _signed;
    private readonly bool _hasTrailer;
    private readonly IReadOnlyCollection<string> _declaredTrailers;
    private readonly IncrementalHash? _chunkHash;
    private readonly Dictionary<string, string> _trailers = new(StringComparer.OrdinalIgnoreCase);
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private long _consumed;
    private long _decoded;
    private long _chunkRemaining;
    private string? _chunkSignature;
    private string _previousSignature;
    private State _state = State.ChunkHeader;
    private bool _eof;

    private enum State
    {
        ChunkHeader,
        ChunkData,
        Done,
    }

    public AwsChunkedPayloadReader(Stream body, long contentLength, long decodedLength, AuthContext auth, IReadOnlyCollection<string> declaredTrailers)
    {
        _body = body;
        _contentLength = contentLength;
        _decodedLength = decodedLength;
        _auth = auth;
        _amzDate = auth.RequestTime.UtcDateTime.ToString(SigV4Signing.AmzDateFormat, CultureInfo.InvariantCulture);
        _signed = auth.Payload is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer;
        _hasTrailer = auth.Payload is PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer;
        _declaredTrailers = declaredTrailers;
        _previousSignature = auth.SeedSignature;
        _chunkHash = _signed ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    public override IReadOnlyDictionary<string, string> Trailers => _trailers;

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct)
    {
        while (true)
        {
            switch (_state)
            {
                case State.Done:
                    return 0;
                case State.ChunkHeader:
                    await ReadChunkHeaderAsync(ct).ConfigureAwait(false);
                    continue;
                case State.ChunkData:
                    if (destination.IsEmpty)
                    {
                        return 0;
                    }

                    if (_chunkRemaining == 0)
                    {
                        await EndChunkAsync(ct).ConfigureAwait(false);
                        continue;
                    }

                    return await ReadChunkDataAsync(destination, ct).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<int> ReadChunkDataAsync(Memory<byte> destination, CancellationToken ct)
    {
        var want = (int)Math.Min(destination.Length, _chunkRemaining);
        int n;
        if (_end > _start)
        {
            n = Math.Min(want, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination.Span);
            _start += n;
        }
        else
        {
            // Nothing buffered: read straight into the caller's memory, saving a copy on the hot path.
            n = await _body.ReadAsync(destination[..want], ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw S3Errors.IncompleteBody();
            }

            _consumed += n;
            CheckConsumed();
        }

        _chunkHash?.AppendData(destination.Span[..n]);
        _chunkRemaining -= n;
        _decoded += n;
        return n;
    }

    private async ValueTask ReadChunkHeaderAsync(CancellationToken ct)
    {
        var line = await ReadLineAsync(ct).ConfigureAwait(false) ?? throw S3Errors.IncompleteBody();
        var semi = line.IndexOf(';', StringComparison.Ordinal);
        var sizeText = semi < 0 ? line : line[..semi];
        if (sizeText.Length is 0 or > 15 || !long.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
        {
            throw Malformed();
        }

        _chunkSignature = null;
        if (semi >= 0)
        {
            var ext = line.AsSpan(semi + 1).Trim();
            if (ext.StartsWith(ChunkSignaturePrefix, StringComparison.Ordinal))
            {
                _chunkSignature = ext[ChunkSignaturePrefix.Length..].ToString();
            }
        }

        if (_signed && (_chunkSignature is null || !SigV4Signing.IsLowerHex64(_chunkSignature)))
        {
            throw S3Errors.SignatureDoesNotMatch("The chunk signature is missing or malformed.");
        }

        if (_decodedLength >= 0 && _decoded + size > _decodedLength)
        {
            throw S3Errors.InvalidRequest("The aws-chunked body is longer than x-amz-decoded-content-length.");
        }

        _chunkRemaining = size;
        if (size == 0)
        {
            VerifyChunkSignature();
            await ReadTrailerAsync(ct).ConfigureAwait(false);
            Finish();
        }
        else
        {
            _state = State.ChunkData;
        }
    }

    private async ValueTask EndChunkAsync(CancellationToken ct)
    {
        var crlf = await ReadLineAsync(ct).ConfigureAwait(false) ?? throw S3Errors.IncompleteBody();
        if (crlf.Length != 0)
        {
            throw Malformed();
        }

        VerifyChunkSignature();
        _state = State.ChunkHeader;
    }

    private void VerifyChunkSignature()
    {
        if (_chunkHash is null)
        {
            return;
        }

        Span<byte> hash = stackalloc byte[32];
        _chunkHash.GetHashAndReset(hash);
        var expected = SigV4Signing.Sign(_auth.SigningKey,
            SigV4Signing.ChunkStringToSign(_amzDate, _auth.Scope, _previousSignature, Convert.ToHexStringLower(hash)));
        if (!SigV4Signing.SignatureEquals(expected, _chunkSignature!))
        {
            throw S3Errors.SignatureDoesNotMatch();
        }

        _previousSignature = expected;
    }

    private async ValueTask ReadTrailerAsync(CancellationToken ct)
    {
        string? trailerSignature = null;
        var canonical = new StringBuilder();
        var lines = 0;
        while (true)
        {
            var line = await ReadLineAsync(ct).ConfigureAwait(false);
            if (line is null)
            {
                // A missing final CRLF is tolerated only when the declared Content-Length was consumed.
                if (_contentLength >= 0 && _consumed < _contentLength)
                {
                    throw S3Errors.IncompleteBody();
                }

                break;
            }

            if (line.Length == 0)
            {
                // Some encoders put a blank line between the final chunk and the trailer; skip it then.
                if (_hasTrailer && _trailers.Count == 0 && trailerSignature is null && !await AtEndAsync(ct).ConfigureAwait(false))
                {
                    continue;
                }

                break;
            }

            if (!_hasTrailer || ++lines > MaxTrailerLines)
            {
                throw Malformed();
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Malformed();
            }

            var name = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (name == TrailerSignatureName)
            {
                trailerSignature = value;
                continue;
            }

            _trailers[name] = value;
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        foreach (var declared in _declaredTrailers)
        {
            if (!_trailers.ContainsKey(declared))
            {
                throw S3Errors.InvalidRequest($"The trailer {declared} declared in x-amz-trailer was not sent.");
            }
        }

        if (_auth.Payload == PayloadMode.StreamingSignedTrailer)
        {
            if (trailerSignature is null || !SigV4Signing.IsLowerHex64(trailerSignature))
            {
                throw S3Errors.SignatureDoesNotMatch("The trailer signature is missing or malformed.");
            }

            var expected = SigV4Signing.Sign(_auth.SigningKey,
                SigV4Signing.TrailerStringToSign(_amzDate, _auth.Scope, _previousSignature, SigV4Signing.Sha256Hex(canonical.ToString())));
            if (!SigV4Signing.SignatureEquals(expected, trailerSignature))
            {
                throw S3Errors.SignatureDoesNotMatch();
            }
        }
    }

    private void Finish()
    {
        if (_decodedLength >= 0 && _decoded != _decodedLength)
        {
            throw S3Errors.IncompleteBody();
        }

        // Anything after the terminating blank line is not part of the object and must not be ignored silently.
        var leftover = _end - _start;
        var parsed = _consumed - leftover;
        if (leftover > 0 || (_contentLength >= 0 && parsed < _contentLength && !_eof))
        {
            throw S3Errors.InvalidRequest("Unexpected data after the end of the aws-chunked body.");
        }

        if (_contentLength >= 0 && parsed < _contentLength)
        {
            throw S3Errors.IncompleteBody();
        }

        _state = State.Done;
        ReturnBuffer();
    }

    /// <summary>Reads one CRLF-terminated ASCII line; null at a clean EOF before any byte of it.</summary>
    private async ValueTask<string?> ReadLineAsync(CancellationToken ct)
    {
        var scanned = 0;
        while (true)
        {
            var span = _buffer.AsSpan(_start + scanned, _end - _start - scanned);
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var lineEnd = _start + scanned + lf;
                if (lineEnd == _start || _buffer![lineEnd - 1] != (byte)'\r')
                {
                    throw Malformed();
                }

                var line = Encoding.ASCII.GetString(_buffer, _start, lineEnd - 1 - _start);
                _start = lineEnd + 1;
                return line;
            }

            scanned = _end - _start;
            if (scanned >= MaxLineLength)
            {
                throw Malformed();
            }

            if (!await FillAsync(ct).ConfigureAwait(false))
            {
                return scanned == 0 ? null : throw S3Errors.IncompleteBody();
            }
        }
    }

    private async ValueTask<bool> AtEndAsync(CancellationToken ct) => _end == _start && !await FillAsync(ct).ConfigureAwait(false);

    /// <summary>Reads more of the body into the buffer, compacting first; false at EOF.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (_eof)
        {
            return false;
        }

        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer!, _start, _buffer!, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var n = await _body.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        if (n == 0)
        {
            _eof = true;
            return false;
        }

        _end += n;
        _consumed += n;
        CheckConsumed();
        return true;
    }

    private void CheckConsumed()
    {
        if (_contentLength >= 0 && _consumed > _contentLength)
        {
            throw S3Errors.InvalidRequest("The request body is longer than Content-Length.");
        }
    }

    private static S3Exception Malformed() => S3Errors.InvalidRequest("The aws-chunked body is malformed.");

    private void ReturnBuffer()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }

    public override void Dispose()
    {
        ReturnBuffer();
        _chunkHash?.Dispose();
    }
}
