namespace Wsk.Core;

/// <summary>WSK_CONTROL_SOCKET_TYPE: WskControlSocket's RequestType, on both socket kinds.</summary>
public enum WskControlSocketType
{
    /// <summary>WskSetOption.</summary>
    SetOption = 0,
    /// <summary>WskGetOption.</summary>
    GetOption = 1,
    /// <summary>WskIoctl.</summary>
    Ioctl = 2,
}
