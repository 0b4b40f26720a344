using System.Text.Json;

namespace Casto.Discovery.Signal;

internal static partial class SignalCodec
{
    private static SignalMessage ReadMessage(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Bad("a message is a JSON object");
        }

        SignalMessageType? type = null;
        long? id = null, heartbeat = null, expires = null, rate = null, burst = null;
        string? nonce = null, server = null, peerId = null, publicKey = null, signature = null, room = null;
        string? to = null, from = null, data = null, text = null;
        SignalKind? kind = null;
        SignalError? code = null;
        List<string>? addrs = null;
        List<SignalMember>? members = null;
        List<string>? rooms = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var name = reader.GetString();
            Next(ref reader);
            switch (name)
            {
                case "type":
                    type = SignalNames.Type(String(ref reader)) ?? throw Bad("unknown message type");
                    break;
                case "id": id = Number(ref reader); break;
                case "heartbeatMs": heartbeat = Number(ref reader); break;
                case "expiresMs": expires = Number(ref reader); break;
                case "ratePerSecond": rate = Number(ref reader); break;
                case "rateBurst": burst = Number(ref reader); break;
                case "nonce": nonce = String(ref reader); break;
                case "server": server = String(ref reader); break;
                case "peerId": peerId = String(ref reader); break;
                case "publicKey": publicKey = String(ref reader); break;
                case "signature": signature = String(ref reader); break;
                case "room": room = String(ref reader); break;
                case "to": to = String(ref reader); break;
                case "from": from = String(ref reader); break;
                case "data": data = String(ref reader); break;
                case "message": text = String(ref reader); break;
                case "kind":
                    kind = SignalNames.Kind(String(ref reader)) ?? throw Bad("unknown signal kind");
                    break;
                case "code":
                    code = SignalNames.Error(String(ref reader)) ?? SignalError.BadMessage;
                    break;
                case "addrs": addrs = Strings(ref reader); break;
                case "members": members = Members(ref reader); break;
                case "rooms": rooms = Array(ref reader, String, int.MaxValue, "expected an array of room names", "too many rooms"); break; // bounded by the frame size
                default:
                    reader.Skip();
                    break;
            }
        }

        return new SignalMessage
        {
            Type = type ?? throw Bad("missing type"),
            Id = id, HeartbeatMs = heartbeat, ExpiresMs = expires, RatePerSecond = rate, RateBurst = burst, Nonce = nonce, Server = server, PeerId = peerId,
            PublicKey = publicKey, Signature = signature, Room = room, To = to, From = from, Data = data,
            Message = text, Kind = kind, Code = code, Addrs = addrs, Members = members, RoomNames = rooms,
        };
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Bad("truncated message");
        }
    }

    private static string String(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw Bad("expected a string");

    private static long Number(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value >= 0
            ? value
            : throw Bad("expected a non-negative integer");

    private delegate T ReadItem<T>(ref Utf8JsonReader reader);

    private static List<string> Strings(ref Utf8JsonReader reader) =>
        Array(ref reader, String, MaxAddrs, "expected an array of strings", $"more than {MaxAddrs} addresses");

    private static List<SignalMember> Members(ref Utf8JsonReader reader) =>
        Array(ref reader, Member, int.MaxValue, "expected an array of members", "too many members"); // bounded by the frame size

    /// <summary>Reads a JSON array of at most <paramref name="max"/> items, each with <paramref name="item"/>.</summary>
    private static List<T> Array<T>(ref Utf8JsonReader reader, ReadItem<T> item, int max, string notAnArray, string tooMany)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Bad(notAnArray);
        }

        var list = new List<T>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return list;
            }

            if (list.Count == max)
            {
                throw Bad(tooMany);
            }

            list.Add(item(ref reader));
        }
    }

    private static SignalMember Member(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Bad("a member is an object");
        }

        string? peerId = null;
        List<string>? addrs = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            var name = reader.GetString();
            Next(ref reader);
            switch (name)
            {
                case "peerId": peerId = String(ref reader); break;
                case "addrs": addrs = Strings(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new SignalMember(peerId ?? throw Bad("member without peerId"), addrs ?? []);
    }
}
