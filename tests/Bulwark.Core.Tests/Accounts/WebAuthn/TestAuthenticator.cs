using System.Buffers.Binary;
using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.Tests.Shared.SecondFactors;

/// <summary>Authenticator-data flag bits (WebAuthn §6.1).</summary>
[Flags]
public enum AuthFlags : byte
{
    None = 0,
    UP = 0x01,
    UV = 0x04,
    BE = 0x08,
    BS = 0x10,
    AT = 0x40,
}

/// <summary>
/// A software authenticator that writes real WebAuthn messages: an EC P-256 key, a COSE_Key, CBOR
/// attestation objects with format "none", authenticator data with rpIdHash, flags and counter, and
/// ECDSA signatures over authenticatorData ‖ SHA-256(clientDataJSON). Every field a relying party
/// checks can be set wrong on purpose.
/// </summary>
public sealed class TestAuthenticator : IDisposable
{
    public const string DefaultRpId = "bulwark.example";
    public const string DefaultOrigin = "https://bulwark.example";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestAuthenticator(byte[]? credentialId = null, Guid? aaguid = null)
    {
        CredentialId = credentialId ?? RandomNumberGenerator.GetBytes(32);
        Aaguid = aaguid ?? Guid.Parse("00000000-0000-0000-0000-000000000000");
    }

    public byte[] CredentialId { get; }
    public Guid Aaguid { get; }
    /// <summary>The user handle the relying party gave at registration; returned in assertions.</summary>
    public byte[]? UserHandle { get; set; }
    public uint Counter { get; set; }

    /// <summary>The challenge in a ceremony's options JSON.</summary>
    public static byte[] ChallengeOf(string optionsJson) =>
        Base64Url.DecodeFromChars(JsonNode.Parse(optionsJson)!["challenge"]!.GetValue<string>());

    public string Register(string optionsJson, string origin = DefaultOrigin, string rpId = DefaultRpId,
        AuthFlags flags = AuthFlags.UP | AuthFlags.UV, byte[]? challenge = null, string type = "webauthn.create", bool? residentKey = null)
    {
        var options = JsonNode.Parse(optionsJson)!;
        UserHandle = Base64Url.DecodeFromChars(options["user"]!["id"]!.GetValue<string>());
        var clientData = ClientData(type, challenge ?? ChallengeOf(optionsJson), origin);
        var authData = AuthenticatorData(rpId, flags | AuthFlags.AT, Counter, AttestedCredentialData());

        var cbor = new CborWriter(CborConformanceMode.Ctap2Canonical);
        cbor.WriteStartMap(3);
        cbor.WriteTextString("fmt");
        cbor.WriteTextString("none");
        cbor.WriteTextString("attStmt");
        cbor.WriteStartMap(0);
        cbor.WriteEndMap();
        cbor.WriteTextString("authData");
        cbor.WriteByteString(authData);
        cbor.WriteEndMap();

        var extensions = new JsonObject();
        if (residentKey is { } rk) extensions["credProps"] = new JsonObject { ["rk"] = rk };
        return new JsonObject
        {
            ["id"] = Base64Url.EncodeToString(CredentialId),
            ["rawId"] = Base64Url.EncodeToString(CredentialId),
            ["type"] = "public-key",
            ["response"] = new JsonObject
            {
                ["attestationObject"] = Base64Url.EncodeToString(cbor.Encode()),
                ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
                ["transports"] = new JsonArray("usb", "nfc"),
            },
            ["clientExtensionResults"] = extensions,
        }.ToJsonString();
    }

    /// <summary>Signs an assertion. The counter goes up by one unless <paramref name="counter"/> says otherwise.</summary>
    public string SignAssertion(string optionsJson, string origin = DefaultOrigin, string rpId = DefaultRpId,
        AuthFlags flags = AuthFlags.UP | AuthFlags.UV, uint? counter = null, byte[]? userHandle = null, bool omitUserHandle = false,
        byte[]? challenge = null, ECDsa? signWith = null, string type = "webauthn.get")
    {
        Counter = counter ?? Counter + 1;
        var clientData = ClientData(type, challenge ?? ChallengeOf(optionsJson), origin);
        var authData = AuthenticatorData(rpId, flags, Counter, null);
        var signature = (signWith ?? _key).SignData([.. authData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        var response = new JsonObject
        {
            ["authenticatorData"] = Base64Url.EncodeToString(authData),
            ["signature"] = Base64Url.EncodeToString(signature),
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
        };
        if (!omitUserHandle) response["userHandle"] = Base64Url.EncodeToString(userHandle ?? UserHandle ?? throw new InvalidOperationException("not registered"));
        return new JsonObject
        {
            ["id"] = Base64Url.EncodeToString(CredentialId),
            ["rawId"] = Base64Url.EncodeToString(CredentialId),
            ["type"] = "public-key",
            ["response"] = response,
            ["clientExtensionResults"] = new JsonObject(),
        }.ToJsonString();
    }

    private static byte[] ClientData(string type, byte[] challenge, string origin) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["type"] = type,
            ["challenge"] = Base64Url.EncodeToString(challenge),
            ["origin"] = origin,
            ["crossOrigin"] = false,
        }));

    private static byte[] AuthenticatorData(string rpId, AuthFlags flags, uint counter, byte[]? attested)
    {
        var data = new List<byte>(SHA256.HashData(Encoding.UTF8.GetBytes(rpId)));
        data.Add((byte)flags);
        var count = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, counter);
        data.AddRange(count);
        if (attested is not null) data.AddRange(attested);
        return [.. data];
    }

    private byte[] AttestedCredentialData()
    {
        var data = new List<byte>(Aaguid.ToByteArray(bigEndian: true));
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)CredentialId.Length);
        data.AddRange(length);
        data.AddRange(CredentialId);
        data.AddRange(CoseKey());
        return [.. data];
    }

    /// <summary>The public key as a COSE_Key: kty EC2, alg ES256, crv P-256, x, y.</summary>
    private byte[] CoseKey()
    {
        var p = _key.ExportParameters(false);
        var cbor = new CborWriter(CborConformanceMode.Ctap2Canonical);
        cbor.WriteStartMap(5);
        cbor.WriteInt32(1); cbor.WriteInt32(2);    // kty: EC2
        cbor.WriteInt32(3); cbor.WriteInt32(-7);   // alg: ES256
        cbor.WriteInt32(-1); cbor.WriteInt32(1);   // crv: P-256
        cbor.WriteInt32(-2); cbor.WriteByteString(p.Q.X!);
        cbor.WriteInt32(-3); cbor.WriteByteString(p.Q.Y!);
        cbor.WriteEndMap();
        return cbor.Encode();
    }

    public void Dispose() => _key.Dispose();
}
