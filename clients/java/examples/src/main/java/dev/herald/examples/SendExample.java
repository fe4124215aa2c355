package dev.herald.examples;

import dev.herald.v1.Channel;
import dev.herald.v1.ChannelResult;
import dev.herald.v1.DeliveryServiceGrpc;
import dev.herald.v1.SendMessageRequest;
import dev.herald.v1.SendMessageResponse;
import dev.herald.v1.SendMessageStreamRequest;
import dev.herald.v1.SendMessageStreamResponse;
import dev.herald.v1.SendSummary;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The Java client example: sends one message to an In-App inbox and a webhook with SendMessage,
 * then the same with SendMessageStream, and prints every result it receives.
 *
 * <p>HERALD_TARGET (default 127.0.0.1:50051) is a plaintext gRPC endpoint; HERALD_TOKEN is sent as
 * "authorization: Bearer &lt;token&gt;"; without HERALD_WEBHOOK_URL only the In-App channel is
 * used; HERALD_USER_ID (default example-user) is the inbox the In-App message lands in.
 */
public final class SendExample {
  private SendExample() {}

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }

  /** "IN_APP success=true", with the error code when it failed. */
  private static String describe(ChannelResult result) {
    String line =
        result.getChannel().name().replaceFirst("^CHANNEL_", "") + " success=" + result.getSuccess();
    if (!result.getSuccess()) {
      line += " error_code=" + result.getErrorCode();
    }
    return line;
  }

  public static void main(String[] args) throws InterruptedException {
    ManagedChannel channel =
        ManagedChannelBuilder.forTarget(env("HERALD_TARGET", "127.0.0.1:50051"))
            .usePlaintext()
            .build();
    try {
      Metadata headers = new Metadata();
      String token = env("HERALD_TOKEN", "");
      if (!token.isEmpty()) {
        headers.put(
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      }
      DeliveryServiceGrpc.DeliveryServiceBlockingStub delivery =
          DeliveryServiceGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

      SendMessageRequest.Builder request =
          SendMessageRequest.newBuilder()
              .setSubject("Hello from Java")
              .setBody("Sent by clients/java/examples SendExample.")
              .addChannels(Channel.CHANNEL_IN_APP)
              .setUserId(env("HERALD_USER_ID", "example-user"));
      String webhookUrl = env("HERALD_WEBHOOK_URL", "");
      if (!webhookUrl.isEmpty()) {
        request.addChannels(Channel.CHANNEL_WEBHOOK).setWebhookUrl(webhookUrl);
      }

      // SendMessage waits for every channel's result.
      SendMessageResponse response =
          delivery.withDeadlineAfter(30, TimeUnit.SECONDS).sendMessage(request.build());
      for (ChannelResult result : response.getResultsList()) {
        System.out.println("SendMessage " + describe(result));
      }

      // SendMessageStream yields each channel's result as it completes, then a summary.
      Iterator<SendMessageStreamResponse> stream =
          delivery
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .sendMessageStream(SendMessageStreamRequest.newBuilder().setMessage(request).build());
      while (stream.hasNext()) {
        SendMessageStreamResponse event = stream.next();
        if (event.hasResult()) {
          System.out.println("SendMessageStream " + describe(event.getResult()));
        } else if (event.hasSummary()) {
          SendSummary summary = event.getSummary();
          System.out.println(
              "SendMessageStream summary total="
                  + summary.getTotal()
                  + " succeeded="
                  + summary.getSucceeded()
                  + " failed="
                  + summary.getFailed());
        }
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
