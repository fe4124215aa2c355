// Command herald-gateway serves Herald's REST API: HTTP/JSON on HERALD_GATEWAY_LISTEN
// (default 127.0.0.1:8080), each request forwarded to the Herald gRPC server at
// HERALD_GATEWAY_TARGET (default 127.0.0.1:50051), in plaintext or, with
// HERALD_GATEWAY_TARGET_TLS=1 or a CA or client certificate, over TLS.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/herald-dispatch/herald/gateway"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

type config struct {
	listen, target                        string
	tls                                   bool
	caFile, certFile, keyFile, serverName string
	shutdownGrace                         time.Duration
}

func env(name, fallback string) string {
	if value, ok := os.LookupEnv(name); ok && value != "" {
		return value
	}
	return fallback
}

func parseConfig(args []string) (config, error) {
	var c config
	flags := flag.NewFlagSet("herald-gateway", flag.ContinueOnError)
	flags.StringVar(&c.listen, "listen", env("HERALD_GATEWAY_LISTEN", "127.0.0.1:8080"), "HTTP listen address (HERALD_GATEWAY_LISTEN); port 0 picks a free one")
	flags.StringVar(&c.target, "target", env("HERALD_GATEWAY_TARGET", "127.0.0.1:50051"), "Herald gRPC server (HERALD_GATEWAY_TARGET)")
	tlsDefault, err := strconv.ParseBool(env("HERALD_GATEWAY_TARGET_TLS", "false"))
	if err != nil {
		return c, fmt.Errorf("HERALD_GATEWAY_TARGET_TLS: %w", err)
	}
	flags.BoolVar(&c.tls, "target-tls", tlsDefault, "TLS to the server (HERALD_GATEWAY_TARGET_TLS); implied by the three below")
	flags.StringVar(&c.caFile, "target-ca", env("HERALD_GATEWAY_TARGET_CA", ""), "PEM CA(s) the server's certificate is verified with, instead of the system's (HERALD_GATEWAY_TARGET_CA)")
	flags.StringVar(&c.certFile, "target-cert", env("HERALD_GATEWAY_TARGET_CERT", ""), "PEM client certificate for mutual TLS (HERALD_GATEWAY_TARGET_CERT)")
	flags.StringVar(&c.keyFile, "target-key", env("HERALD_GATEWAY_TARGET_KEY", ""), "its private key (HERALD_GATEWAY_TARGET_KEY)")
	flags.StringVar(&c.serverName, "target-server-name", env("HERALD_GATEWAY_TARGET_SERVER_NAME", ""), "name the server's certificate must carry, when not the target's host (HERALD_GATEWAY_TARGET_SERVER_NAME)")
	flags.DurationVar(&c.shutdownGrace, "shutdown-grace", 10*time.Second, "how long requests in flight get on SIGTERM")
	if err := flags.Parse(args); err != nil {
		return c, err
	}
	if (c.certFile == "") != (c.keyFile == "") {
		return c, errors.New("HERALD_GATEWAY_TARGET_CERT and HERALD_GATEWAY_TARGET_KEY go together")
	}
	c.tls = c.tls || c.caFile != "" || c.certFile != ""
	return c, nil
}

func transportCredentials(c config) (credentials.TransportCredentials, error) {
	if !c.tls {
		return insecure.NewCredentials(), nil
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.serverName}
	if c.caFile != "" {
		pem, err := os.ReadFile(c.caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificate", c.caFile)
		}
		tlsConfig.RootCAs = pool
	}
	if c.certFile != "" {
		pair, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
		if err != nil {
			return nil, err
		}
		tlsConfig.Certificates = []tls.Certificate{pair}
	}
	return credentials.NewTLS(tlsConfig), nil
}

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.MessageKey {
				a.Key = "event"
			}
			return a
		},
	}))
	slog.SetDefault(logger)
	if err := run(logger); err != nil {
		logger.Error("gateway_failed", "error", err.Error())
		os.Exit(2)
	}
}

func run(logger *slog.Logger) error {
	c, err := parseConfig(os.Args[1:])
	if err != nil {
		return err
	}
	creds, err := transportCredentials(c)
	if err != nil {
		return err
	}
	conn, err := grpc.NewClient(c.target,
		grpc.WithTransportCredentials(creds),
		grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(gateway.MaxBodyBytes),
			grpc.MaxCallSendMsgSize(gateway.MaxBodyBytes),
		),
	)
	if err != nil {
		return err
	}
	defer conn.Close()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	handler, err := gateway.New(ctx, conn)
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", c.listen)
	if err != nil {
		return err
	}
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	addr := listener.Addr().(*net.TCPAddr)
	logger.Info("serving", "listen", addr.String(), "port", addr.Port, "target", c.target,
		"target_tls", c.tls, "plaintext_not_loopback", !addr.IP.IsLoopback())

	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("stopping")
	shutdown, cancel := context.WithTimeout(context.Background(), c.shutdownGrace)
	defer cancel()
	if err := server.Shutdown(shutdown); err != nil {
		_ = server.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}
