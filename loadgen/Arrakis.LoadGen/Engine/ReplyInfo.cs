using Arrakis.Protocol;

namespace Arrakis.LoadGen.Engine;

/// <summary>A reply and the request it answers.</summary>
internal readonly record struct ReplyInfo(int Command, long Key, long StartTicks, RespType Type, int PayloadOffset, int PayloadLength, int ReplyBytes, int RequestBytes);
