package dev.fairlead.sim.azure;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate the simulator issues to itself at start, valid for {@code localhost}, {@code
 * 127.0.0.1} and {@code ::1} (and the listen host), and self-signed as its own CA, so clients trust
 * it by adding its PEM ({@code curl --cacert}, {@code NODE_EXTRA_CA_CERTS}, {@code
 * REQUESTS_CA_BUNDLE}) or {@link #context()}.
 */
public final class SelfSignedTls {
  private final X509Certificate certificate;
  private final SSLContext context;

  private SelfSignedTls(X509Certificate certificate, SSLContext context) {
    this.certificate = certificate;
    this.context = context;
  }

  /**
   * Issues a new certificate (EC P-256, one year).
   *
   * @param extraHost another host name or address to include, or null
   * @return the certificate and its TLS context
   */
  public static SelfSignedTls generate(String extraHost) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(256, new SecureRandom());
      KeyPair keys = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=fairlead Azure simulator");
      Instant now = Instant.now();
      GeneralNames names =
          new GeneralNames(
              extraHost == null || isStandard(extraHost)
                  ? new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")
                  }
                  : new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1"),
                    isAddress(extraHost)
                        ? new GeneralName(GeneralName.iPAddress, extraHost)
                        : new GeneralName(GeneralName.dNSName, extraHost)
                  });
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  new BigInteger(64, new SecureRandom()),
                  Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(Duration.ofDays(365))),
                  subject,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(Extension.subjectAlternativeName, false, names);
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
      X509Certificate certificate =
          new JcaX509CertificateConverter().getCertificate(builder.build(signer));

      char[] password = "fairlead".toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("sim", keys.getPrivate(), password, new X509Certificate[] {certificate});
      store.setCertificateEntry("ca", certificate);
      KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      km.init(store, password);
      TrustManagerFactory tm =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tm.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(km.getKeyManagers(), tm.getTrustManagers(), new SecureRandom());
      return new SelfSignedTls(certificate, context);
    } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorException e) {
      throw new IllegalStateException("cannot issue the simulator's certificate: " + e.getMessage(), e);
    }
  }

  private static boolean isStandard(String host) {
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1");
  }

  private static boolean isAddress(String host) {
    try {
      return InetAddress.ofLiteral(host) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * A TLS context that serves this certificate and trusts it (for the server, the fault proxy and
   * Java clients of the simulator).
   *
   * @return the context
   */
  public SSLContext context() {
    return context;
  }

  /**
   * The certificate.
   *
   * @return the X.509 certificate
   */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * The certificate in PEM form, to hand to clients as their CA.
   *
   * @return the PEM text
   */
  public String pem() {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(certificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
