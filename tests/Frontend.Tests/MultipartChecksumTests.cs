using System.Buffers.Binary;
using System.IO.Hashing;
using Amazon.S3;
using Amazon.S3.Model;
using Frontend.Tests.Fakes;

namespace Frontend.Tests;

/// <summary>
/// Composite multipart checksums through the AWS SDK over the real namespace: parts carry their own CRC32,
/// the object reports CRC32(part CRCs)-N on Complete and on GET/HEAD with checksum mode.
/// </summary>
public sealed class MultipartChecksumTests() : SdkTestBase(realNamespace: true)
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Multipart_Crc32Composite_ReportedOnCompleteHeadAndGet()
    {
        await S3.PutBucketAsync("crc");
        var first = Payload(5 * MiB, 1);
        var second = Payload(MiB + 3, 2);
        var init = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = "crc", Key = "obj", ChecksumAlgorithm = ChecksumAlgorithm.CRC32 });
        var p1 = await UploadPartAsync(init.UploadId, 1, first);
        var p2 = await UploadPartAsync(init.UploadId, 2, second);
        var complete = await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "crc", Key = "obj", UploadId = init.UploadId,
            PartETags = [new PartETag { PartNumber = 1, ETag = p1.ETag, ChecksumCRC32 = p1.ChecksumCRC32 }, new PartETag { PartNumber = 2, ETag = p2.ETag, ChecksumCRC32 = p2.ChecksumCRC32 }],
        });
        var head = await S3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = "crc", Key = "obj", ChecksumMode = ChecksumMode.ENABLED });
        using var get = await S3.GetObjectAsync(new GetObjectRequest { BucketName = "crc", Key = "obj", ChecksumMode = ChecksumMode.ENABLED });
        using var sink = new MemoryStream();
        await get.ResponseStream.CopyToAsync(sink);

        // Independent of the frontend's code: CRC32 (big-endian) of the concatenated big-endian part CRCs.
        var expected = Convert.ToBase64String(Crc(Crc(first).Concat(Crc(second)).ToArray())) + "-2";
        Assert.Equal((Convert.ToBase64String(Crc(first)), Convert.ToBase64String(Crc(second))), (p1.ChecksumCRC32, p2.ChecksumCRC32));
        Assert.Equal(expected, complete.ChecksumCRC32);
        Assert.Equal(expected, head.ChecksumCRC32);
        Assert.Equal(expected, get.ChecksumCRC32);
        Assert.Equal(first.Length + second.Length, sink.Length);
    }

    [Fact]
    public async Task CompleteMultipartUpload_PartChecksumThatIsNotThePartsOwn_InvalidPartAndUploadStaysOpen()
    {
        await S3.PutBucketAsync("crc");
        var data = Payload(1000, 4);
        var init = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = "crc", Key = "obj", ChecksumAlgorithm = ChecksumAlgorithm.CRC32 });
        var part = await UploadPartAsync(init.UploadId, 1, data);
        var wrongCrc = Convert.ToBase64String(Crc(Payload(1000, 5)));

        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "crc", Key = "obj", UploadId = init.UploadId,
            PartETags = [new PartETag { PartNumber = 1, ETag = part.ETag, ChecksumCRC32 = wrongCrc }],
        }));

        Assert.Equal((System.Net.HttpStatusCode.BadRequest, "InvalidPart"), (e.StatusCode, e.ErrorCode));
        var complete = await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = "crc", Key = "obj", UploadId = init.UploadId,
            PartETags = [new PartETag { PartNumber = 1, ETag = part.ETag, ChecksumCRC32 = part.ChecksumCRC32 }],
        });
        Assert.Equal(Convert.ToBase64String(Crc(Crc(data))) + "-1", complete.ChecksumCRC32);
    }

    [Fact]
    public async Task Multipart_WithoutChecksumAlgorithm_ReportsNoChecksum()
    {
        await S3.PutBucketAsync("plain");
        var init = await S3.InitiateMultipartUploadAsync("plain", "obj");
        var part = await S3.UploadPartAsync(new UploadPartRequest { BucketName = "plain", Key = "obj", UploadId = init.UploadId, PartNumber = 1, InputStream = new MemoryStream(Payload(1000, 3)) });
        await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "plain", Key = "obj", UploadId = init.UploadId, PartETags = [new PartETag(1, part.ETag)] });

        var head = await S3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = "plain", Key = "obj", ChecksumMode = ChecksumMode.ENABLED });

        Assert.Null(head.ChecksumCRC32);
        Assert.EndsWith("-1\"", head.ETag, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multipart_Crc32cFullObject_ReportsTheCrcOfAllBytes()
    {
        await S3.PutBucketAsync("crc");
        var first = Payload(5 * MiB + 11, 4);
        var second = Payload(2 * MiB + 1, 5);
        var init = await S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = "crc", Key = "full", ChecksumAlgorithm = ChecksumAlgorithm.CRC32C, ChecksumType = ChecksumType.FULL_OBJECT,
        });
        var parts = new List<PartETag>();
        foreach (var (number, data) in new[] { (1, first), (2, second) })
        {
            var part = await S3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = "crc", Key = "full", UploadId = init.UploadId, PartNumber = number, InputStream = new MemoryStream(data), ChecksumAlgorithm = ChecksumAlgorithm.CRC32C,
            });
            parts.Add(new PartETag { PartNumber = number, ETag = part.ETag, ChecksumCRC32C = part.ChecksumCRC32C });
        }
        var complete = await S3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "crc", Key = "full", UploadId = init.UploadId, PartETags = parts });
        var head = await S3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = "crc", Key = "full", ChecksumMode = ChecksumMode.ENABLED });

        // Independent of the frontend: CRC32C over all the bytes at once, as a single PUT would report it.
        var crc = new Crc32(Crc32ParameterSet.Crc32C);
        crc.Append(first);
        crc.Append(second);
        var expected = Convert.ToBase64String(BitConverter.GetBytes(BinaryPrimitives.ReverseEndianness(crc.GetCurrentHashAsUInt32())));
        Assert.Equal(expected, complete.ChecksumCRC32C);
        Assert.Equal(expected, head.ChecksumCRC32C);
        Assert.Equal(ChecksumType.FULL_OBJECT, head.ChecksumType);
    }

    [Theory]
    [InlineData("SHA256", "FULL_OBJECT")]
    [InlineData("CRC64NVME", "COMPOSITE")]
    [InlineData("CRC32", "SIDEWAYS")]
    public async Task CreateMultipartUpload_UnsupportedChecksumType_InvalidRequest(string algorithm, string type)
    {
        await S3.PutBucketAsync("types");

        var e = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = "types", Key = "k", ChecksumAlgorithm = new ChecksumAlgorithm(algorithm), ChecksumType = new ChecksumType(type),
        }));

        Assert.Equal((System.Net.HttpStatusCode.BadRequest, "InvalidRequest"), (e.StatusCode, e.ErrorCode));
        Assert.Empty((await S3.ListMultipartUploadsAsync("types")).MultipartUploads ?? []);
    }

    private Task<UploadPartResponse> UploadPartAsync(string uploadId, int number, byte[] data) =>
        S3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = "crc", Key = "obj", UploadId = uploadId, PartNumber = number,
            InputStream = new MemoryStream(data), ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
        });

    private static byte[] Crc(byte[] data)
    {
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(data));
        return crc;
    }

    private static byte[] Payload(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
