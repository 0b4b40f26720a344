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
        long? id = null, heartbeat = null, expires = null;
        string? nonce = null, server = null, peerId = null, publicKey = null, signature = null, room = null;
        string? to = null, from = null, data = null, text = null;
        SignalKind? kind = null;
        SignalError? code = null;
        List<string>? addrs = null;
        List<SignalMember>? members = null;
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
                default:
                    reader.Skip();
                    break;
            }
        }

        return new SignalMessage
        {
            Type = type ?? throw Bad("missing type"),
            Id = id, HeartbeatMs = heartbeat, ExpiresMs = expires, Nonce = nonce, Server = server, PeerId = peerId,
            PublicKey = publicKey, Signature = signature, Room = room, To = to, From = from, Data = data,
            Message = text, Kind = kind, Code = code, Addrs = addrs, Members = members,
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

    private static List<string> Strings(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Bad("expected an array of strings");
        }

        var list = new List<string>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return list;
            }

            if (list.Count == MaxAddrs)
            {
                throw Bad($"more than {MaxAddrs} addresses");
            }

            list.Add(String(ref reader));
        }
    }

    private static List<SignalMember> Members(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Bad("expected an array of members");
        }

        var list = new List<SignalMember>();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return list;
            }

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

            list.Add(new SignalMember(peerId ?? throw Bad("member without peerId"), addrs ?? []));
        }
    }
}
