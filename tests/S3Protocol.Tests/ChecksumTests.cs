using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Cairn.S3.Protocol.Tests;

public class ChecksumTests
{
    private static readonly byte[] Check = Encoding.ASCII.GetBytes("123456789");

    private static byte[] Digest(ChecksumAlgorithm alg, byte[] data)
    {
        using var c = ChecksumCalculator.Create(alg);
        c.Append(data);
        return c.GetBytes();
    }

    [Fact]
    public void ChecksumCalculator_Crc32_CheckValue() =>
        Assert.Equal(0xCBF43926u, BinaryPrimitives.ReadUInt32BigEndian(Digest(ChecksumAlgorithm.Crc32, Check)));

    [Fact]
    public void ChecksumCalculator_Crc32C_CheckValue() =>
        Assert.Equal(0xE3069283u, BinaryPrimitives.ReadUInt32BigEndian(Digest(ChecksumAlgorithm.Crc32C, Check)));

    [Fact]
    public void ChecksumCalculator_Crc64Nvme_CheckValue() =>
        Assert.Equal(0xAE8B14860A799888ul, BinaryPrimitives.ReadUInt64BigEndian(Digest(ChecksumAlgorithm.Crc64Nvme, Check)));

    [Fact]
    public void ChecksumCalculator_Sha_MatchFramework()
    {
        Assert.Equal(SHA1.HashData(Check), Digest(ChecksumAlgorithm.Sha1, Check));
        Assert.Equal(SHA256.HashData(Check), Digest(ChecksumAlgorithm.Sha256, Check));
    }

    [Fact]
    public void ChecksumCalculator_Crc32_AwsHelloWorldBase64()
    {
        // CRC32 of "Hello world" is 0x8BD69E52 (S3 docs and SDK tests show it base64 as "i9aeUg==").
        using var c = ChecksumCalculator.Create(ChecksumAlgorithm.Crc32);
        c.Append("Hello world"u8);
        Assert.Equal("i9aeUg==", c.GetBase64());
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32)]
    [InlineData(ChecksumAlgorithm.Crc32C)]
    [InlineData(ChecksumAlgorithm.Crc64Nvme)]
    [InlineData(ChecksumAlgorithm.Sha1)]
    [InlineData(ChecksumAlgorithm.Sha256)]
    public void ChecksumCalculator_Append_IncrementalEqualsOneShot(ChecksumAlgorithm alg)
    {
        var data = Enumerable.Range(0, 100_003).Select(i => (byte)(i * 7 + 3)).ToArray();
        using var c = ChecksumCalculator.Create(alg);
        foreach (var piece in data.Chunk(4093))
        {
            c.Append(piece);
        }

        Assert.Equal(Digest(alg, data), c.GetBytes());
        Assert.Equal(S3Checksums.Length(alg), c.GetBytes().Length);
    }

    [Theory]
    [InlineData("CRC32", ChecksumAlgorithm.Crc32)]
    [InlineData("crc32c", ChecksumAlgorithm.Crc32C)]
    [InlineData("CRC64NVME", ChecksumAlgorithm.Crc64Nvme)]
    [InlineData("x-amz-checksum-sha1", ChecksumAlgorithm.Sha1)]
    [InlineData("X-Amz-Checksum-SHA256", ChecksumAlgorithm.Sha256)]
    public void S3Checksums_TryParseAlgorithm_KnownNames(string name, ChecksumAlgorithm expected)
    {
        Assert.True(S3Checksums.TryParseAlgorithm(name, out var alg));
        Assert.Equal(expected, alg);
        Assert.True(S3Checksums.TryParseAlgorithm(S3Checksums.HeaderName(alg), out var again));
        Assert.Equal(alg, again);
        Assert.True(S3Checksums.TryParseAlgorithm(S3Checksums.Name(alg), out again));
        Assert.Equal(alg, again);
    }

    [Theory]
    [InlineData("")]
    [InlineData("md5")]
    [InlineData("crc")]
    [InlineData("x-amz-checksum-")]
    public void S3Checksums_TryParseAlgorithm_UnknownNames(string name) =>
        Assert.False(S3Checksums.TryParseAlgorithm(name, out _));

    [Fact]
    public void S3Checksums_HeaderName_IsLowerCase() =>
        Assert.Equal("x-amz-checksum-crc64nvme", S3Checksums.HeaderName(ChecksumAlgorithm.Crc64Nvme));

    [Theory]
    [InlineData(ChecksumAlgorithm.Crc32)]
    [InlineData(ChecksumAlgorithm.Crc32C)]
    [InlineData(ChecksumAlgorithm.Sha256)]
    public void S3Checksums_Composite_ChecksumOfPartChecksums(ChecksumAlgorithm alg)
    {
        byte[][] parts = [Encoding.ASCII.GetBytes("part one"), Encoding.ASCII.GetBytes("part two"), Encoding.ASCII.GetBytes("3")];
        var partDigests = parts.Select(p => Digest(alg, p)).ToArray();

        var composite = S3Checksums.Composite(alg, partDigests.Select(Convert.ToBase64String));

        Assert.Equal(Convert.ToBase64String(Digest(alg, partDigests.SelectMany(d => d).ToArray())) + "-3", composite);
    }

    [Fact]
    public void S3Checksums_Composite_KnownCrc32Value()
    {
        // Two parts: CRC32("a") = 0xE8B7BE43, CRC32("b") = 0x71BEEFF9; composite = CRC32(E8B7BE43 71BEEFF9).
        var composite = S3Checksums.Composite(ChecksumAlgorithm.Crc32, ["6Le+Qw==", "cb7v+Q=="]);
        var expected = Digest(ChecksumAlgorithm.Crc32, [0xE8, 0xB7, 0xBE, 0x43, 0x71, 0xBE, 0xEF, 0xF9]);

        Assert.Equal("6Le+Qw==", Convert.ToBase64String(Digest(ChecksumAlgorithm.Crc32, "a"u8.ToArray())));
        Assert.Equal(Convert.ToBase64String(expected) + "-2", composite);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    [InlineData("AAAAAAAAAAA=")]
    public void S3Checksums_Composite_MalformedPartRefused(string part)
    {
        var e = Assert.Throws<S3Exception>(() => S3Checksums.Composite(ChecksumAlgorithm.Crc32, [part]));
        Assert.Equal("InvalidDigest", e.Code);
    }

    [Fact]
    public void S3Checksums_Verify_MatchMismatchMalformed()
    {
        using var c = ChecksumCalculator.Create(ChecksumAlgorithm.Crc32C);
        c.Append(Check);
        S3Checksums.Verify(c, c.GetBase64());
        Assert.Equal("BadDigest", Assert.Throws<S3Exception>(() => S3Checksums.Verify(c, "AAAAAA==")).Code);
        Assert.Equal("InvalidDigest", Assert.Throws<S3Exception>(() => S3Checksums.Verify(c, "zz")).Code);
    }

    [Fact]
    public void S3Checksums_VerifyContentMd5_MatchMismatchMalformed()
    {
        var md5 = MD5.HashData(Check);
        S3Checksums.VerifyContentMd5(Convert.ToBase64String(md5), md5);
        Assert.Equal("BadDigest", Assert.Throws<S3Exception>(() => S3Checksums.VerifyContentMd5(Convert.ToBase64String(new byte[16]), md5)).Code);
        Assert.Equal("InvalidDigest", Assert.Throws<S3Exception>(() => S3Checksums.VerifyContentMd5("abc", md5)).Code);
        Assert.Equal("InvalidDigest", Assert.Throws<S3Exception>(() => S3Checksums.VerifyContentMd5(Convert.ToBase64String(new byte[15]), md5)).Code);
    }
}
