package dev.whisk.core.activation;

/** How an activation ended, with OpenWhisk's stored status codes 0..3 and REST texts. */
public enum ActivationStatus
{
    SUCCESS(0, "success"),
    APPLICATION_ERROR(1, "application error"),
    DEVELOPER_ERROR(2, "action developer error"),
    WHISK_ERROR(3, "whisk internal error");

    private static final ActivationStatus[] BY_CODE = values();

    private final int code;
    private final String text;

    ActivationStatus(final int code, final String text)
    {
        this.code = code;
        this.text = text;
    }

    public int code()
    {
        return code;
    }

    public String text()
    {
        return text;
    }

    public static ActivationStatus ofCode(final int code)
    {
        if (code < 0 || code >= BY_CODE.length)
        {
            throw new IllegalArgumentException("activation status code " + code + " is not in 0..3");
        }
        return BY_CODE[code];
    }
}
