namespace Wsk.Core;

/// <summary>WskControlClient control codes (wsk.h values).</summary>
public static class ClientControlCodes
{
    /// <summary>
    /// WSK_TRANSPORT_LIST_QUERY: the WSK_TRANSPORT array; a too-small buffer answers the size needed.
    /// </summary>
    public const uint TransportListQuery = 2;
    /// <summary>WSK_TRANSPORT_LIST_CHANGE: an IRP that completes when the transport list changes.</summary>
    public const uint TransportListChange = 3;
    /// <summary>WSK_CACHE_SD: cache a security descriptor, get a handle back.</summary>
    public const uint CacheSecurityDescriptor = 4;
    /// <summary>WSK_RELEASE_SD: release a cached security descriptor.</summary>
    public const uint ReleaseSecurityDescriptor = 5;
    /// <summary>WSK_TDI_DEVICENAME_MAPPING: TDI only; this provider has no TDI.</summary>
    public const uint TdiDeviceNameMapping = 6;
    /// <summary>WSK_SET_STATIC_EVENT_CALLBACKS: events enabled on every new socket, before any socket exists.</summary>
    public const uint SetStaticEventCallbacks = 7;
    /// <summary>WSK_TDI_BEHAVIOR: TDI only; this provider has no TDI.</summary>
    public const uint TdiBehavior = 8;
}
