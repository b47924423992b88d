using System.Text;

namespace Cairn.S3.Protocol.Tests;

/// <summary>Encodes aws-chunked bodies the way the AWS SDKs do, signed or not, with optional trailers.</summary>
internal static class AwsChunkedBody
{
    public static byte[] Signed(S3RequestSigner signer, string amzDate, string seed, IEnumerable<byte[]> chunks,
        IReadOnlyList<(string Name, string Value)>? trailers = null)
    {
        var body = new MemoryStream();
        var previous = seed;
        foreach (var chunk in chunks.Append([]))
        {
            previous = signer.ChunkSignature(amzDate, previous, chunk);
            Write(body, $"{chunk.Length:x};chunk-signature={previous}\r\n");
            body.Write(chunk);
            if (chunk.Length > 0)
            {
                Write(body, "\r\n");
            }
        }

        if (trailers is null)
        {
            Write(body, "\r\n");
        }
        else
        {
            var lines = string.Concat(trailers.Select(t => $"{t.Name}:{t.Value}\n"));
            foreach (var (n, v) in trailers)
            {
                Write(body, $"{n}:{v}\r\n");
            }

            Write(body, $"x-amz-trailer-signature:{signer.TrailerSignature(amzDate, previous, lines)}\r\n\r\n");
        }

        return body.ToArray();
    }

    public static byte[] Unsigned(IEnumerable<byte[]> chunks, IReadOnlyList<(string Name, string Value)> trailers)
    {
        var body = new MemoryStream();
        foreach (var chunk in chunks)
        {
            Write(body, $"{chunk.Length:x}\r\n");
            body.Write(chunk);
            Write(body, "\r\n");
        }

        Write(body, "0\r\n");
        foreach (var (n, v) in trailers)
        {
            Write(body, $"{n}:{v}\r\n");
        }

        Write(body, "\r\n");
        return body.ToArray();
    }

    private static void Write(MemoryStream s, string text) => s.Write(Encoding.ASCII.GetBytes(text));
}
