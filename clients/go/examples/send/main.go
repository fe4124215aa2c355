// Command send is the Go client example: it sends one message to an In-App inbox and a webhook
// with SendMessage, then the same with SendMessageStream, and prints every result it receives.
//
//	HERALD_TARGET=127.0.0.1:50051 HERALD_TOKEN=$(herald token --role admin) \
//	HERALD_WEBHOOK_URL=https://example.com/hook go run ./examples/send
//
// HERALD_TARGET (default 127.0.0.1:50051) is a plaintext gRPC endpoint; HERALD_TOKEN is sent as
// "authorization: Bearer <token>"; without HERALD_WEBHOOK_URL only the In-App channel is used;
// HERALD_USER_ID (default example-user) is the inbox the In-App message lands in.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	heraldv1 "github.com/herald-dispatch/herald/clients/go/heraldv1"
)

func env(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}

// channelName is "IN_APP" for CHANNEL_IN_APP.
func channelName(channel heraldv1.Channel) string {
	return strings.TrimPrefix(channel.String(), "CHANNEL_")
}

func describe(result *heraldv1.ChannelResult) string {
	line := fmt.Sprintf("%s success=%t", channelName(result.GetChannel()), result.GetSuccess())
	if !result.GetSuccess() {
		line += fmt.Sprintf(" error_code=%s", result.GetErrorCode())
	}
	return line
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("send: ")

	conn, err := grpc.NewClient(env("HERALD_TARGET", "127.0.0.1:50051"),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	client := heraldv1.NewDeliveryServiceClient(conn)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if token := os.Getenv("HERALD_TOKEN"); token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}

	request := &heraldv1.SendMessageRequest{
		Subject:  "Hello from Go",
		Body:     "Sent by clients/go/examples/send.",
		Channels: []heraldv1.Channel{heraldv1.Channel_CHANNEL_IN_APP},
		UserId:   env("HERALD_USER_ID", "example-user"),
	}
	if url := os.Getenv("HERALD_WEBHOOK_URL"); url != "" {
		request.Channels = append(request.Channels, heraldv1.Channel_CHANNEL_WEBHOOK)
		request.WebhookUrl = url
	}

	// SendMessage waits for every channel's result.
	response, err := client.SendMessage(ctx, request)
	if err != nil {
		log.Fatalf("SendMessage: %v", err)
	}
	for _, result := range response.GetResults() {
		fmt.Printf("SendMessage %s\n", describe(result))
	}

	// SendMessageStream yields each channel's result as it completes, then a summary.
	stream, err := client.SendMessageStream(ctx, &heraldv1.SendMessageStreamRequest{Message: request})
	if err != nil {
		log.Fatalf("SendMessageStream: %v", err)
	}
	for {
		event, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			log.Fatalf("SendMessageStream: %v", err)
		}
		if result := event.GetResult(); result != nil {
			fmt.Printf("SendMessageStream %s\n", describe(result))
		}
		if summary := event.GetSummary(); summary != nil {
			fmt.Printf("SendMessageStream summary total=%d succeeded=%d failed=%d\n",
				summary.GetTotal(), summary.GetSucceeded(), summary.GetFailed())
		}
	}
}
