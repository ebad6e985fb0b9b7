package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/**
 * An RSA key pair with a self-signed X.509 certificate, made by the JDK's keytool.
 *
 * <p>The JDK has no public API to issue a certificate, and keytool is always next to the running
 * java binary, so shelling out to it is the simplest way that needs no extra library. The
 * certificate is written as PEM so docker-registry can use it as {@code rootcertbundle}; a
 * self-signed leaf that is itself in the bundle verifies as a chain of one.
 */
public final class SelfSignedCertificate {

    private static final String ALIAS = "signing";

    private final PrivateKey privateKey;
    private final X509Certificate certificate;
    private final Path pemFile;

    private SelfSignedCertificate(PrivateKey privateKey, X509Certificate certificate, Path pemFile) {
        this.privateKey = privateKey;
        this.certificate = certificate;
        this.pemFile = pemFile;
    }

    /** Generates a 2048-bit RSA key valid for two days, with subject {@code CN=<commonName>}. */
    public static SelfSignedCertificate generate(String commonName, Path directory) {
        Path keystore = directory.resolve("signing.p12");
        // PKCS12 keystores need the key password to equal the store password.
        String password = UUID.randomUUID().toString();
        ExternalCommand.of(keytool(), "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048",
                        "-sigalg", "SHA256withRSA", "-dname", "CN=" + escapeDn(commonName), "-validity", "2",
                        "-storetype", "PKCS12", "-keystore", keystore.toString(),
                        "-storepass", password, "-keypass", password)
                .timeout(Duration.ofSeconds(30))
                .logsIn(directory, "keytool")
                .run();
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            PrivateKey key = (PrivateKey) store.getKey(ALIAS, password.toCharArray());
            X509Certificate cert = (X509Certificate) store.getCertificate(ALIAS);
            Path pem = directory.resolve("rootcert.pem");
            Files.writeString(pem, toPem(cert), StandardCharsets.US_ASCII);
            return new SelfSignedCertificate(key, cert, pem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read keystore " + keystore, e);
        } catch (GeneralSecurityException e) {
            throw new HarnessException("cannot load keystore " + keystore, e);
        }
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** DER bytes of the certificate, as carried (base64) in a JWT's x5c header. */
    public byte[] der() {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new HarnessException("cannot encode certificate", e);
        }
    }

    /** The certificate as a PEM file, suitable for docker-registry's {@code rootcertbundle}. */
    public Path pemFile() {
        return pemFile;
    }

    private static String toPem(X509Certificate cert) throws CertificateEncodingException {
        Base64.Encoder encoder = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        return "-----BEGIN CERTIFICATE-----\n" + encoder.encodeToString(cert.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /** keytool lives next to the java binary running this JVM; fall back to java.home, then PATH. */
    static String keytool() {
        Path fromCommand = ProcessHandle.current().info().command()
                .map(command -> Path.of(command).resolveSibling("keytool"))
                .orElse(null);
        if (fromCommand != null && Files.isExecutable(fromCommand)) {
            return fromCommand.toString();
        }
        Path fromJavaHome = Path.of(System.getProperty("java.home"), "bin", "keytool");
        return Files.isExecutable(fromJavaHome) ? fromJavaHome.toString() : "keytool";
    }

    /** Keeps an arbitrary issuer name from being parsed as several RDNs by keytool. */
    private static String escapeDn(String value) {
        return value.replaceAll("[,+=\"\\\\<>;#]", "_");
    }
}
